# Yahoo-like receiver: a per-IP rate limit and a recurring deferral storm, both answered with
# Yahoo's TSS04, some policy rejections (554 5.7.9), unknown users and full mailboxes.

hostname    mta7.am0.yahoodns.net
greeting    "220 mta7.am0.yahoodns.net ESMTP ready"

rate-limit per-source-ip 15/s burst 15 at mail reply "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"

unknown-users 4% reply "550 5.1.1 <{rcpt}>: delivery error: dd This user doesn't have a {domain} account - {host}"

mailbox-full 0.5% transient reply "452 4.2.2 <{rcpt}>: Mailbox full, message deferred - {host}"
mailbox-full 0.2% permanent reply "552 5.2.2 <{rcpt}>: Mailbox over quota - {host}"

reject-message 0.5% reply "554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes"

slow-reply connect 50ms..250ms
slow-reply data 100ms..400ms

# The deferral storm: 30 seconds in every 3 minutes, starting 10 seconds after the receiver
# starts (so a 30-second demo, and the demo's shortened test, see it), every connection is turned
# away with TSS04.
<incident 10s-40s every 3m>
    defer-connection reply "421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
</incident>
