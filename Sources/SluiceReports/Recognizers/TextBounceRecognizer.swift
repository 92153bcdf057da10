/// Tries each non-standard bounce form on a text.
enum TextBounceRecognizer {
    private static let recognizers: [@Sendable (BounceText, ReportLimits) -> TextBounce?] = [
        ExchangeBounce.recognize, GmailBounce.recognize, PostfixBounce.recognize,
        QmailBounce.recognize, EximBounce.recognize, SendmailBounce.recognize,
    ]

    /// The first form whose opening text appears, with what it found (possibly no recipient).
    static func recognize(_ text: String, limits: ReportLimits) -> TextBounce? {
        let bounceText = BounceText(text)
        for recognizer in recognizers {
            if let found = recognizer(bounceText, limits) { return found }
        }
        return nil
    }
}
