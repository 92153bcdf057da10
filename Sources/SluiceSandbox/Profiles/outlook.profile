# Microsoft-like receiver (outlook.com, hotmail.com): a strict per-IP rate limit answered with
# 451 4.7.650 (the connection stays open), unknown users with 550 5.5.0, full mailboxes, and
# slow replies after DATA.

hostname    outlook-com.olc.protection.outlook.com
greeting    "220 {host} Microsoft ESMTP MAIL Service ready"

rate-limit per-source-ip 10/s burst 10 at mail reply "451 4.7.650 The mail server [{ip}] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775) [{host}]"

unknown-users 3% reply "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [{host}]"

mailbox-full 0.3% transient reply "452 4.2.2 The recipient's mailbox is full and can't accept messages now. Please try resending this message later, or contact the recipient directly. [{host}]"
mailbox-full 0.2% permanent reply "552 5.2.2 Requested mail action aborted: exceeded storage allocation (S2017062302). [{host}]"

slow-reply data 200ms..800ms

# A short connection-limit incident four minutes in.
<incident 4m-5m every 10m>
    defer-connection 50% reply "421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel [{host}]"
</incident>
