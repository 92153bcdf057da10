# Gmail-like receiver: a per-IP rate limit answered with Gmail's 421 4.7.0, a small share of
# nonexistent and over-quota mailboxes, quick replies.
#
# The rate limit is below the demo's per-vmta Gmail throttle on purpose, so the MTA meets it,
# its backoff pattern fires and the queue enters backoff.

hostname    mx.google.com
greeting    "220 mx.google.com ESMTP {id} - gsmtp"

rate-limit per-source-ip 20/s burst 20 at mail reply "421 4.7.0 [{ip}] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please try again later. For more information, go to https://support.google.com/mail/?p=UnsolicitedRateLimitError {id} - gsmtp"

unknown-users 3% reply "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser {id} - gsmtp"

mailbox-full 0.5% transient reply "452 4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp {id} - gsmtp"
mailbox-full 0.2% permanent reply "552 5.2.2 The recipient's inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm {id} - gsmtp"

slow-reply data 20ms..120ms
