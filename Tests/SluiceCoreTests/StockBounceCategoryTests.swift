import SluiceConfig
import Testing
@testable import SluiceCore

/// The stock `<bounce-category-patterns>` against real replies: each row is a reply text as a
/// provider or a common server documents it (IP addresses, addresses and session ids filled in
/// with example values; multi-line replies in the one-line form the delivery client records),
/// the category an operator expects, and where the text comes from. Deferrals (4xx) are
/// classified the same way: their category is recorded on `t` records.
@Suite("Stock bounce categories against published reply texts")
struct StockBounceCategoryTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let reply: String
        let category: BounceCategory
        let source: String
        var testDescription: String { "\(source): \(reply.prefix(60))" }
    }

    static let rows: [Row] = gmail + yahoo + microsoft + commonServers

    /// Google Workspace, "Gmail SMTP errors and codes" (support.google.com/a/answer/3726730) and
    /// Google's bulk-sender replies as smtp.codes/google records them.
    static let gmail: [Row] = [
        Row(reply: "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser - gsmtp",
            category: .badMailbox, source: "Gmail 5.1.1"),
        Row(reply: "552 5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp",
            category: .quotaIssues, source: "Gmail 5.2.2"),
        Row(reply: "452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
            category: .quotaIssues, source: "Gmail 4.2.2"),
        Row(reply: "550 5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser - gsmtp",
            category: .inactiveMailbox, source: "Gmail 5.2.1"),
        Row(reply: "450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time. If the user is able to receive mail at that time, your message will be delivered. For more information, visit https://support.google.com/mail/?p=ReceivingRate - gsmtp",
            category: .quotaIssues, source: "Gmail 4.2.1 receiving rate"),
        Row(reply: "421 4.7.0 [203.0.113.7] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily blocked. Please visit https://support.google.com/mail/?p=UnsolicitedIPError to review our Bulk Email Senders Guidelines. - gsmtp",
            category: .spamRelated, source: "Gmail 4.7.0 unsolicited rate"),
        Row(reply: "421 4.7.28 [203.0.113.7] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. - gsmtp",
            category: .spamRelated, source: "Gmail 4.7.28 (smtp.codes/google)"),
        Row(reply: "421 4.7.0 [203.0.113.7] Our system has detected that this message is suspicious due to the very low reputation of the sending domain. To best protect our users from spam, the message has been blocked. Please visit https://support.google.com/mail/answer/188131 for more information. - gsmtp",
            category: .spamRelated, source: "Gmail 4.7.0 domain reputation (smtp.codes/google)"),
        Row(reply: "550 5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. Please visit https://support.google.com/mail/?p=UnsolicitedMessageError for more information. - gsmtp",
            category: .spamRelated, source: "Gmail 5.7.1 unsolicited"),
        Row(reply: "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. Please contact the administrator of example.com domain if this was a legitimate mail. Please visit https://support.google.com/mail/answer/2451690 to learn about the DMARC initiative. - gsmtp",
            category: .policyRelated, source: "Gmail 5.7.26 DMARC"),
        Row(reply: "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [example.com] with ip: [203.0.113.7] = did not pass For instructions on setting up authentication, go to https://support.google.com/mail/answer/81126#authentication - gsmtp",
            category: .policyRelated, source: "Gmail 5.7.26 unauthenticated sender"),
        Row(reply: "550 5.7.1 This message does not have authentication information or fails to pass authentication checks. To best protect our users from spam, the message has been blocked. Please visit https://support.google.com/mail/answer/81126#authentication for more information. e99si513617itd.159 - gsmtp",
            category: .policyRelated, source: "Gmail 5.7.1 authentication (Plesk KB)"),
        Row(reply: "550 5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from IPs with missing PTR records. - gsmtp",
            category: .policyRelated, source: "Gmail 5.7.25 PTR"),
        Row(reply: "421 4.7.0 TLS required for RCPT domain, closing connection. - gsmtp",
            category: .policyRelated, source: "Gmail 4.7.0 TLS required"),
        Row(reply: "550 5.7.1 The user or domain that you are sending to (or from) has a policy that prohibited the mail that you sent. Please contact your domain administrator for further details. - gsmtp",
            category: .policyRelated, source: "Gmail 5.7.1 recipient policy"),
        Row(reply: "552 5.7.0 This message was blocked because its content presents a potential security issue. Please visit https://support.google.com/mail/?p=BlockedMessage to review our message content and attachment content guidelines. - gsmtp",
            category: .contentRelated, source: "Gmail 5.7.0 blocked content"),
        Row(reply: "552 5.3.4 Your message exceeded Google's message size limits. Please visit https://support.google.com/mail/?p=MaxSizeError to view our size guidelines. - gsmtp",
            category: .contentRelated, source: "Gmail 5.3.4 size"),
        Row(reply: "554 5.6.0 Mail message is malformed. Not accepted. - gsmtp",
            category: .contentRelated, source: "Gmail 5.6.0"),
        Row(reply: "553 5.1.2 We weren't able to find the recipient domain. Please check for any spelling errors, and make sure you didn't enter any spaces, periods, or other punctuation after the recipient's email address. - gsmtp",
            category: .badDomain, source: "Gmail 5.1.2 no such domain"),
        Row(reply: "553 5.1.3 The recipient address <jdoe@example..com> is not a valid RFC 5321 address. - gsmtp",
            category: .badMailbox, source: "Gmail 5.1.3"),
        Row(reply: "550 5.7.0 Mail relay denied. - gsmtp",
            category: .relayingIssues, source: "Gmail 5.7.0 relay"),
        Row(reply: "550 5.4.5 Daily sending quota exceeded - gsmtp",
            category: .quotaIssues, source: "Gmail 5.4.5 sending quota (as logged by bulk senders)"),
    ]

    /// Yahoo's "SMTP Error Codes" (postmaster.yahooinc.com/error-codes), Yahoo help SLN3444 and
    /// SLN7253, smtp.codes/yahoo.
    static let yahoo: [Row] = [
        Row(reply: "421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
            category: .spamRelated, source: "Yahoo TSS04"),
        Row(reply: "554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes",
            category: .policyRelated, source: "Yahoo 5.7.9 policy (SLN7253)"),
        Row(reply: "550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.",
            category: .policyRelated, source: "Yahoo 5.7.9 unauthenticated"),
        Row(reply: "553 5.7.1 [BL21] Connections will not be accepted from 203.0.113.7, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes",
            category: .spamRelated, source: "Yahoo BL21"),
        Row(reply: "554 delivery error: dd This user doesn't have a yahoo.com account (jdoe@yahoo.com) [0] - mta1234.mail.ne1.yahoo.com",
            category: .badMailbox, source: "Yahoo dd no account (SLN3444)"),
        Row(reply: "554 delivery error: dd Sorry, your message to jdoe@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.ne1.yahoo.com",
            category: .inactiveMailbox, source: "Yahoo dd mailbox disabled"),
        Row(reply: "554 delivery error: dd Sorry, your message to (jdoe@yahoo.com) cannot be delivered. This account is over quota.",
            category: .quotaIssues, source: "Yahoo dd over quota"),
        Row(reply: "552 1 Requested mail action aborted, mailbox not found",
            category: .badMailbox, source: "Yahoo 552 mailbox not found (smtp.codes/yahoo)"),
        Row(reply: "450 User is receiving mail too quickly",
            category: .quotaIssues, source: "Yahoo 450 (smtp.codes/yahoo)"),
    ]

    /// Microsoft: Outlook.com postmaster replies, Exchange Online NDR reference
    /// (learn.microsoft.com .../non-delivery-reports-in-exchange-online), smtp.codes/exchangeonline.
    static let microsoft: [Row] = [
        Row(reply: "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [DM6NAM12FT056.eop-nam12.prod.protection.outlook.com]",
            category: .spamRelated, source: "Outlook.com S3140"),
        Row(reply: "550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [DB3EUR04FT007.eop-eur04.prod.protection.outlook.com]",
            category: .spamRelated, source: "Outlook.com S3150"),
        Row(reply: "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM5EUR02FT031.eop-EUR02.prod.protection.outlook.com]",
            category: .badMailbox, source: "Outlook.com 5.5.0 mailbox unavailable"),
        Row(reply: "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DM6NAM10FT024.eop-nam10.prod.protection.outlook.com]",
            category: .badMailbox, source: "Exchange Online 5.4.1 (directory-based edge blocking)"),
        Row(reply: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
            category: .badMailbox, source: "Exchange Online 5.1.10"),
        Row(reply: "451 4.7.650 The mail server [203.0.113.7] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775)",
            category: .spamRelated, source: "Outlook.com 4.7.650"),
        Row(reply: "451 4.7.651 The mail server [203.0.113.7] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S3114)",
            category: .spamRelated, source: "Outlook.com 4.7.651"),
        Row(reply: "550 5.7.1 Service unavailable, Client host [203.0.113.7] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/203.0.113.7 (AS3130). [BN1NAM02FT032.eop-nam02.prod.protection.outlook.com]",
            category: .spamRelated, source: "Exchange Online Spamhaus"),
        Row(reply: "550 5.7.350 Remote server returned message detected as spam",
            category: .spamRelated, source: "Exchange Online 5.7.350 (EX703958)"),
        Row(reply: "550 5.7.708 Access denied, traffic not accepted from this IP.",
            category: .policyRelated, source: "Exchange Online 5.7.708"),
        Row(reply: "550 5.7.12 RESOLVER.RST.SenderAuthenticated; Delivery restriction check failed as sender not authenticated",
            category: .policyRelated, source: "Exchange Online 5.7.12 (KB 3028012)"),
        Row(reply: "550 4.4.7 QUEUE.Expired; message expired",
            category: .messageExpired, source: "Exchange Online 4.4.7 (KB 3028012)"),
        Row(reply: "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message Cannot open mailbox",
            category: .quotaIssues, source: "Exchange Online 5.2.2"),
        Row(reply: "554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [BN1NAM02FT015.eop-nam02.prod.protection.outlook.com]",
            category: .routingErrors, source: "Exchange Online 5.4.14"),
        Row(reply: "550 5.7.1 Message rejected as spam by Content Filtering.",
            category: .spamRelated, source: "Exchange content filter agent"),
    ]

    /// Postfix, Exim, Sendmail, qmail, Dovecot, greylisting, DNS blocklists and filtering
    /// gateways, in their documented or commonly logged wording.
    static let commonServers: [Row] = [
        Row(reply: "550 5.1.1 <jdoe@example.com>: Recipient address rejected: User unknown in local recipient table",
            category: .badMailbox, source: "Postfix local_recipient_maps"),
        Row(reply: "550 5.1.1 <jdoe@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
            category: .badMailbox, source: "Postfix virtual_mailbox_maps"),
        Row(reply: "554 5.7.1 <jdoe@example.org>: Relay access denied",
            category: .relayingIssues, source: "Postfix reject_unauth_destination"),
        Row(reply: "450 4.1.2 <jdoe@example.com>: Recipient address rejected: Domain not found",
            category: .badDomain, source: "Postfix reject_unknown_recipient_domain"),
        Row(reply: "450 4.1.8 Sender address rejected: Domain not found",
            category: .invalidSender, source: "Postfix reject_unknown_sender_domain (smtp.codes/450, Infomaniak)"),
        Row(reply: "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.7",
            category: .spamRelated, source: "Postfix reject_rbl_client, Spamhaus"),
        Row(reply: "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?203.0.113.7",
            category: .spamRelated, source: "Postfix reject_rbl_client, SpamCop"),
        Row(reply: "450 4.2.0 <jdoe@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
            category: .policyRelated, source: "Postgrey"),
        Row(reply: "450 4.2.0 Sender address rejected: Greylisted for 300 sec.",
            category: .policyRelated, source: "greylisting policy server (spam-mail-blocker.de)"),
        Row(reply: "451 4.7.1 Greylisting in action, please come back later",
            category: .policyRelated, source: "greylisting (Broadcom Email Security.cloud KB 169944)"),
        Row(reply: "451 4.7.1 Service unavailable - try again later",
            category: .policyRelated, source: "Plesk greylisting milter"),
        Row(reply: "550 Unrouteable address",
            category: .routingErrors, source: "Exim"),
        Row(reply: "550-Verification failed for <bounce@sender.example> 550-Unrouteable address 550 Sender verify failed",
            category: .invalidSender, source: "Exim sender callout verification"),
        Row(reply: "550 No Such User Here",
            category: .badMailbox, source: "Exim (cPanel)"),
        Row(reply: "550 Administrative prohibition",
            category: .policyRelated, source: "Exim ACL default"),
        Row(reply: "550 This message contains a virus (Eicar-Test-Signature).",
            category: .virusRelated, source: "Exim spec, content scanning (malware ACL example)"),
        Row(reply: "550 This message scored 12.3 spam points.",
            category: .spamRelated, source: "Exim spec, content scanning (spam ACL example)"),
        Row(reply: "550 5.1.1 <jdoe@example.com>... User unknown",
            category: .badMailbox, source: "Sendmail"),
        Row(reply: "553 5.1.8 <bounce@sender.example>... Domain of sender address bounce@sender.example does not exist",
            category: .invalidSender, source: "Sendmail"),
        Row(reply: "550 5.1.2 <jdoe@nonexistent.example>... Host unknown (Name server: nonexistent.example: host not found)",
            category: .badDomain, source: "Sendmail, no such domain"),
        Row(reply: "550 5.7.1 Rejected: 203.0.113.7 listed at zen.spamhaus.org",
            category: .spamRelated, source: "Sendmail FEATURE(dnsbl)"),
        Row(reply: "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
            category: .relayingIssues, source: "qmail"),
        Row(reply: "550 sorry, no mailbox here by that name. (#5.7.17)",
            category: .badMailbox, source: "qmail"),
        Row(reply: "552 sorry, that message size exceeds my databytes limit (#5.3.4)",
            category: .contentRelated, source: "qmail databytes"),
        Row(reply: "552 5.2.2 <jdoe@example.com> Quota exceeded (mailbox for user is full)",
            category: .quotaIssues, source: "Dovecot LMTP quota_exceeded_message"),
        Row(reply: "550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137",
            category: .policyRelated, source: "iCloud CS01 (smtp.codes/icloud)"),
        Row(reply: "550 5.1.1 <jdoe@icloud.com>: user does not exist",
            category: .badMailbox, source: "iCloud (smtp.codes/icloud)"),
        Row(reply: "550 5.7.1 Your message was rejected due to example.com DMARC policy.",
            category: .policyRelated, source: "iCloud DMARC (smtp.codes/icloud)"),
        Row(reply: "550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550 [a1b2c3d4e5.us123]",
            category: .badMailbox, source: "Mimecast"),
        Row(reply: "554 Blocked - see https://ipcheck.proofpoint.com/?ip=203.0.113.7",
            category: .spamRelated, source: "Proofpoint"),
        Row(reply: "554 resimta-ch2-18v.sys.comcast.net comcast 203.0.113.7 Comcast block for spam. Please see http://postmaster.comcast.net/smtp-error-codes.php#BL000000",
            category: .spamRelated, source: "Comcast BL000000"),
    ]

    @Test("there are at least 40 rows, none duplicated")
    func tableSize() {
        #expect(Self.rows.count >= 40)
        #expect(Set(Self.rows.map(\.reply)).count == Self.rows.count)
    }

    @Test("each published reply gets its category", arguments: rows)
    func classifies(row: Row) {
        #expect(BounceClassifier().classify(SMTPReply(row.reply)) == row.category, "\(row.source)")
    }
}
