import Glibc

/// How many file descriptors the node may open, and how many of them inbound SMTP may take.
///
/// At start the node raises its soft `RLIMIT_NOFILE` to the hard limit. A share of the limit is
/// reserved for everything that is not an inbound SMTP session — the control socket and its
/// subscribers, the HTTP API, spool segments, accounting files, DNS and delivery connections —
/// so that clients holding connections open can never lock the operator out: inbound SMTP is
/// capped at the limit less that reserve (and at `total-max-smtp-in` when it is lower).
struct DescriptorBudget: Equatable {
    /// The soft limit in force after raising it.
    var limit: Int
    /// Descriptors kept for everything but inbound SMTP.
    var reserved: Int

    /// Descriptors inbound SMTP sessions may use.
    var inboundSessions: Int { max(1, limit - reserved) }

    /// Delivery connections the reserve allows, keeping 64 descriptors for the control socket,
    /// the HTTP API, the spool, accounting and DNS (at least 16).
    var outboundConnections: Int { max(16, reserved - 64) }

    /// The cap on delivery connections: `total-max-smtp-out` (or the engine's default) when it
    /// fits the reserve, else the reserve's, with a warning.
    func outboundCap(configured: Int) -> (cap: Int, warning: String?) {
        guard configured > outboundConnections else { return (configured, nil) }
        return (outboundConnections,
                "descriptors: \(configured) delivery connections do not fit the descriptor limit \(limit); "
                + "total-max-smtp-out is lowered to \(outboundConnections). Raise the limit (ulimit -n, LimitNOFILE=)")
    }

    /// The reserve for a given limit: a quarter of it, at least 64 and at most 4,096.
    static func reserve(for limit: Int) -> Int { min(4096, max(64, limit / 4)) }

    /// Raises the soft descriptor limit to the hard one and returns the budget, with a warning
    /// line when the hard limit could not be reached.
    static func raiseSoftLimit() -> (budget: DescriptorBudget, warning: String?) {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else {
            return (DescriptorBudget(limit: 1024, reserved: reserve(for: 1024)),
                    "descriptors: getrlimit failed; assuming 1024")
        }
        var warning: String?
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = limits.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                limits = raised
            } else {
                warning = "descriptors: could not raise the soft limit \(limits.rlim_cur) to the hard limit \(limits.rlim_max)"
            }
        }
        let limit = Int(clamping: min(limits.rlim_cur, rlim_t(Int32.max)))
        return (DescriptorBudget(limit: limit, reserved: reserve(for: limit)), warning)
    }

    /// The inbound connection cap: `total-max-smtp-in` when set, never above what the
    /// descriptors allow; and a warning when the configured value does not fit.
    func inboundCap(configured: Int?) -> (cap: Int, warning: String?) {
        guard let configured else { return (inboundSessions, nil) }
        guard configured > inboundSessions else { return (configured, nil) }
        return (inboundSessions,
                "descriptors: total-max-smtp-in \(configured) does not fit the descriptor limit \(limit) "
                + "(\(reserved) reserved for the control socket, HTTP API, spool and delivery); "
                + "inbound SMTP is capped at \(inboundSessions). Raise the limit (ulimit -n, LimitNOFILE=)")
    }
}
