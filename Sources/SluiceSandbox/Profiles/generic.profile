# A generic Postfix-style receiver for every other domain: greylisting of new triplets,
# unknown users, full mailboxes, a little latency.

hostname    mx.example.net
greeting    "220 mx.example.net ESMTP Postfix"

unknown-users 5% reply "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table"

greylist 30% min-wait 1m reply "451 4.7.1 <{rcpt}>: Recipient address rejected: Greylisted, please try again in a minute"

mailbox-full 1% transient reply "452 4.2.2 <{rcpt}>: Mailbox full"
mailbox-full 0.5% permanent reply "552 5.2.2 <{rcpt}>: Mailbox full and over quota"

slow-reply rcpt 5ms..50ms
slow-reply data 50ms..300ms
