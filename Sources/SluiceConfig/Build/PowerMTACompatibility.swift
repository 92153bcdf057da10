/// PowerMTA directives that Sluice knows and deliberately does not act on: a configuration
/// written for PowerMTA keeps loading, and `check-config` says, for each, why it has no effect
/// and where docs/pmta-compat.md explains it.
enum PowerMTACompatibility {
    /// Directive name → why it has no effect in Sluice.
    static let withoutEffect: [String: String] = [
        "run-as-root": "Sluice runs as the user that starts it; drop privileges with the service manager (User= in systemd)",
        "sync-msg-create": "Sluice always syncs a message to the spool before it answers 250",
        "sync-msg-update": "Sluice always writes delivery progress to the spool in its group commit",
        "reuse-ssl-session": "Sluice's TLS client does not resume TLS sessions",
        "log-data": "Sluice never logs message content",
        "log-commands": "Sluice does not log SMTP commands; delivery events and accounting record every outcome with the reply",
        "log-resolution": "Sluice does not log DNS lookups; a lookup that decides an outcome is in that recipient's delivery event",
        "dns-workers": "Sluice runs each DNS lookup on a thread of its own; there is no worker pool to size",
    ]

    /// The warning for `name` when it is one of ``withoutEffect``, else nil.
    static func warning(for name: String, written: String) -> String? {
        guard let reason = withoutEffect[name] else { return nil }
        return "'\(written)' is accepted without effect: \(reason) (docs/pmta-compat.md#\(name))"
    }
}
