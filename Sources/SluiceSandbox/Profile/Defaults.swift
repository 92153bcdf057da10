/// The replies a profile gets when a directive leaves its `reply` out: generic, Postfix-like texts.
enum Defaults {
    static let unknownUser = template("550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown")
    static let mailboxFullTransient = template("452 4.2.2 <{rcpt}>: Mailbox full, try again later")
    static let mailboxFullPermanent = template("552 5.2.2 <{rcpt}>: Mailbox full and over quota")
    static let greylist = template("451 4.7.1 <{rcpt}>: Recipient address rejected: Greylisted, please try again later")
    static let policyReject = template("554 5.7.9 Message not accepted for policy reasons")

    /// Parses a built-in template; these literals are checked by the test suite, and a typo would
    /// degrade to a plain 451 rather than crash.
    static func template(_ text: String) -> ReplyTemplate {
        (try? ReplyTemplate(parsing: text)) ?? ReplyTemplate(code: 451, enhancedStatus: "4.3.0", literal: text)
    }

    /// Every built-in template, for the test that parses them.
    static let all = [unknownUser, mailboxFullTransient, mailboxFullPermanent, greylist, policyReject]
}
