import SluiceBase
import SluiceControlProtocol

/// Renders a node's figures as Prometheus metrics (`GET /metrics`). Pure: a snapshot in, text out.
///
/// Every series carries the `node` label (the host name); queue series carry `domain` and `vmta`.
public enum MetricsRenderer {
    /// The content type of the output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The metrics document for `snapshot`, with bounces per category from `bouncesByCategory`.
    public static func render(_ snapshot: NodeSnapshot, bouncesByCategory: [String: Int]) -> String {
        let node = snapshot.status.node
        let s = snapshot.status
        var text = PrometheusText()
        func nodeOnly(_ v: Double) -> [([(String, String)], Double)] { [([("node", node)], v)] }
        func perQueue(_ value: (QueueFigures) -> Double) -> [([(String, String)], Double)] {
            snapshot.queues.map { q in ([("node", node), ("domain", q.domain), ("vmta", q.vmta)], value(q.figures)) }
        }
        func perVMTA(_ value: (VMTARow) -> Double) -> [([(String, String)], Double)] {
            snapshot.vmtas.map { v in ([("node", node), ("vmta", v.name)], value(v)) }
        }

        text.family("sluice_uptime_seconds", .gauge, help: "Seconds since the daemon started.", samples: nodeOnly(s.uptimeS))
        text.family("sluice_messages_received_total", .counter, help: "Messages accepted since start.",
                    samples: nodeOnly(Double(s.in.msgs)))
        text.family("sluice_recipients_queued", .gauge, help: "Recipients queued on the node.", samples: nodeOnly(Double(s.queued)))
        text.family("sluice_connections_in", .gauge, help: "Open injection (inbound SMTP) sessions.",
                    samples: nodeOnly(Double(s.connections.in)))
        text.family("sluice_connections_in_refused_total", .counter,
                    help: "Inbound connections (and messages, for smtp-in-message-memory) refused by a limit since start.",
                    samples: s.connections.refusedIn.sorted { $0.key < $1.key }.map { ([("node", node), ("limit", $0.key)], Double($0.value)) })
        text.family("sluice_spool_bytes", .gauge, help: "Bytes used by the spool.", samples: nodeOnly(Double(s.spool.bytes)))
        text.family("sluice_spool_free_bytes", .gauge, help: "Free bytes on the spool's file system.",
                    samples: nodeOnly(Double(s.spool.freeBytes)))
        text.family("sluice_controls_active", .gauge, help: "Active operator controls (holds, pauses, overrides).",
                    samples: nodeOnly(Double(s.controls.count)))

        text.family("sluice_recipients_delivered_total", .counter, help: "Recipients delivered since start, per queue.",
                    samples: perQueue { Double($0.delivered) })
        text.family("sluice_recipients_deferred_total", .counter, help: "Delivery attempts deferred since start, per queue.",
                    samples: perQueue { Double($0.deferred) })
        text.family("sluice_connections_refused_total", .counter,
                    help: "Delivery connections the remote host refused with a reply (421 at the greeting or after EHLO, "
                        + "e.g. Yahoo TSS04) since start, per queue: deferrals of the whole queue, beside the recipients' "
                        + "sluice_recipients_deferred_total.",
                    samples: perQueue { Double($0.refused) })
        text.family("sluice_recipients_bounced_total", .counter, help: "Recipients bounced (expired included) since start, per queue.",
                    samples: perQueue { Double($0.bounced) })
        text.family("sluice_bounces_by_category_total", .counter, help: "Recipients bounced since start, per bounce category.",
                    samples: bouncesByCategory.sorted { $0.key < $1.key }.map { ([("node", node), ("category", $0.key)], Double($0.value)) })
        text.family("sluice_queue_recipients", .gauge, help: "Recipients queued, per queue.", samples: perQueue { Double($0.queued) })
        text.family("sluice_connections_out", .gauge, help: "Open delivery connections, per queue.",
                    samples: perQueue { Double($0.connections) })
        text.family("sluice_queue_oldest_age_seconds", .gauge,
                    help: "Age of the message of the queue's oldest waiting recipient (queued or deferred), per queue.",
                    samples: snapshot.queues.compactMap { q in
                        q.figures.oldestAgeS.map { ([("node", node), ("domain", q.domain), ("vmta", q.vmta)], $0) }
                    })
        text.family("sluice_queue_drain_seconds", .gauge,
                    help: "Seconds to deliver what the queue holds at the last minute's delivery rate (absent while nothing is delivered).",
                    samples: snapshot.queues.compactMap { q in
                        q.figures.drainS.map { ([("node", node), ("domain", q.domain), ("vmta", q.vmta)], $0) }
                    })
        text.histogram("sluice_delivery_latency_seconds",
                       help: "Seconds from injection to the recipient's final outcome (delivered, bounced or expired) since start, per domain.",
                       series: snapshot.domains.compactMap { d in d.figures.latency.map { ([("node", node), ("domain", d.name)], $0) } })
        text.family("sluice_queue_mode", .gauge, help: "1 for the queue's current mode (normal or backoff), else 0.",
                    samples: snapshot.queues.flatMap { q in
                        ["normal", "backoff"].map { mode in
                            ([("node", node), ("domain", q.domain), ("vmta", q.vmta), ("mode", mode)], q.figures.mode == mode ? 1.0 : 0.0)
                        }
                    })
        text.family("sluice_queue_held", .gauge, help: "1 when the queue's domain is held.", samples: perQueue { $0.held ? 1 : 0 })
        text.family("sluice_queue_paused", .gauge, help: "1 when the queue or its vmta is paused.", samples: perQueue { $0.paused ? 1 : 0 })

        text.family("sluice_vmta_paused", .gauge, help: "1 when the virtual MTA is paused.", samples: perVMTA { $0.paused ? 1 : 0 })
        text.family("sluice_vmta_connections_out", .gauge, help: "Open delivery connections, per virtual MTA.",
                    samples: perVMTA { Double($0.connections) })
        text.family("sluice_vmta_recipients", .gauge, help: "Recipients queued, per virtual MTA.", samples: perVMTA { Double($0.queued) })
        text.family("sluice_blocklist_listed", .gauge,
                    help: "1 while a DNS blocklist zone lists the virtual MTA's source address (<blocklist-watch>).",
                    samples: snapshot.vmtas.flatMap { v in
                        v.listings.map { ([("node", node), ("vmta", v.name), ("zone", $0.zone), ("answer", $0.answer)], 1.0) }
                    })
        reputation(snapshot, into: &text)
        return text.output
    }

    /// The reputation loop's families, for a node that reports them: complaints per queue, the
    /// complaint rates per domain and per vmta over 1h and 24h, and the node-wide counters.
    /// Rates are left out for rows without a delivery in the window (no rate to give).
    static func reputation(_ snapshot: NodeSnapshot, into text: inout PrometheusText) {
        let node = snapshot.status.node
        func rates(_ rows: [(label: (String, String), figures: ComplaintFigures?)]) -> [([(String, String)], Double)] {
            rows.flatMap { row -> [([(String, String)], Double)] in
                guard let f = row.figures else { return [] }
                return [("1h", f.lastHour), ("24h", f.lastDay)].compactMap { window, w in
                    w.perThousand.map { ([("node", node), row.label, ("window", window)], $0) }
                }
            }
        }
        text.family("sluice_complaints_total", .counter,
                    help: "Complaints (feedback-loop reports) attributed to the queue since start.",
                    samples: snapshot.queues.compactMap { q in
                        q.figures.complaints.map { ([("node", node), ("domain", q.domain), ("vmta", q.vmta)], Double($0.complaints)) }
                    })
        text.family("sluice_complaint_rate_per_1000", .gauge,
                    help: "Complaints per 1,000 delivered, per domain, over the last hour or 24 hours (flag above 1, alarm above 3).",
                    samples: rates(snapshot.domains.map { (("domain", $0.name), $0.figures.complaints) }))
        text.family("sluice_vmta_complaint_rate_per_1000", .gauge,
                    help: "Complaints per 1,000 delivered, per virtual MTA, over the last hour or 24 hours (flag above 1, alarm above 3).",
                    samples: rates(snapshot.vmtas.map { (("vmta", $0.name), $0.complaints) }))
        guard let r = snapshot.status.reputation else { return }
        func labelled(_ name: String, _ counts: [String: Int]) -> [([(String, String)], Double)] {
            counts.sorted { $0.key < $1.key }.map { ([("node", node), (name, $0.key)], Double($0.value)) }
        }
        text.family("sluice_suppressed_injections_total", .counter,
                    help: "Injections refused or dropped because the recipient is suppressed, since start.",
                    samples: [([("node", node)], Double(r.suppressed))])
        text.family("sluice_dsns_sent_total", .counter, help: "DSNs generated for senders since start, per action.",
                    samples: labelled("action", r.dsnsByAction))
        text.family("sluice_complaints_received_total", .counter,
                    help: "Complaints received since start, per feedback type (attributed to a queue or not).",
                    samples: labelled("type", r.complaintsByType))
        text.family("sluice_async_bounces_total", .counter, help: "Asynchronous bounces received since start, per bounce category.",
                    samples: labelled("category", r.asyncBouncesByCategory))
        text.family("sluice_reports_unparsed_total", .counter, help: "Inbound reports that could not be read, since start.",
                    samples: [([("node", node)], Double(r.reportsUnparsed))])
    }
}
