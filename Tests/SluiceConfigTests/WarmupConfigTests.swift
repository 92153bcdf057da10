import Testing
import SluiceConfig

/// `<warmup-schedule>`, `warmup-schedule` in `<virtual-mta>`, `cold-virtual-mta` and
/// `max-cold-virtual-mta-msg`.
@Suite("Warm-up and cold vmta configuration")
struct WarmupConfigTests {
    @Test func explicitStepsWithDomainsAndThresholds() throws {
        let result = load("""
            domain-macro yahoo yahoo.com,ymail.com
            <warmup-schedule new-ip>
              day 1 max-msg 500/day max-msg-rate 5/s
              day 1 domain $yahoo max-msg 100/day
              day 2 max-msg 1000 max-msg-rate 10/s
              max-deferral-rate 10%
              max-bounce-rate 5%
              max-complaint-rate 0.1%
            </warmup-schedule>
            <virtual-mta fresh>
              smtp-source-host 127.0.0.10 fresh.example.com
              warmup-schedule new-ip
            </virtual-mta>
            """)
        #expect(lines(result) == [])
        let schedule = try #require(result.model.warmupSchedules["new-ip"])
        #expect(result.model.virtualMTAs["fresh"]?.warmupSchedule == "new-ip")
        #expect(schedule.stepCount == 2)
        #expect(schedule.step(1) == WarmupStep(maxMessages: 500, maxMsgRate: .limited(count: 5, per: .seconds(1)),
                                              domainLimits: [WarmupDomainLimit(domains: ["yahoo.com", "ymail.com"], maxMessages: 100)]))
        #expect(schedule.step(2)?.maxMessages == 1000)
        #expect(schedule.step(3) == nil)
        #expect(schedule.thresholds == WarmupThresholds(maxDeferralRate: 0.1, maxBounceRate: 0.05, maxComplaintRate: 0.001))
    }

    @Test func ruleGrowsDailyUpToTheCeiling() throws {
        let result = load("""
            <warmup-schedule ramp>
              start-rate 5/s
              start-max-msg 1000/day
              daily-increase 10%
              ceiling 200/s
            </warmup-schedule>
            """)
        #expect(lines(result) == [])
        let schedule = try #require(result.model.warmupSchedules["ramp"])
        // 5 × 1.1^(n−1) ≥ 200 first at n = 40.
        #expect(schedule.stepCount == 40)
        #expect(schedule.step(1)?.maxMsgRate == .limited(count: 5, per: .seconds(1)))
        #expect(schedule.step(2)?.maxMessages == 1100)
        #expect(schedule.step(2)?.maxMsgRate == .limited(count: 19_800, per: .hours(1)))
        #expect(schedule.step(40)?.maxMsgRate == .limited(count: 200, per: .seconds(1)))
    }

    @Test func errorsNameTheirPlaceAndGiveAHint() {
        let result = load("""
            <warmup-schedule a>
              day 1 max-msg 500/week
              day 2 max-mesg 5
              day 3 domain *.example.com max-msg 5
              max-deferral-rate 10
            </warmup-schedule>
            <warmup-schedule b>
              day 1 max-msg 100
              day 3 max-msg 300
            </warmup-schedule>
            <warmup-schedule c>
              start-rate 5/s
              ceiling 200/s
            </warmup-schedule>
            <warmup-schedule d>
              day 1 max-msg 100
              start-rate 5/s
            </warmup-schedule>
            <virtual-mta v>
              warmup-schedule nope
            </virtual-mta>
            """)
        #expect(lines(result) == [
            "t.conf:1:1: error: warmup-schedule 'a' has no steps; give day lines (day 1 max-msg 500/day max-msg-rate 5/s) "
                + "or a rule (start-rate 5/s, daily-increase 10%, ceiling 200/s)",
            "t.conf:2:17: error: invalid value for 'max-msg': expected a number of messages a day such as 500/day, found '500/week'",
            "t.conf:3:9: error: unknown limit 'max-mesg' in 'day'; a step takes max-msg and max-msg-rate; did you mean 'max-msg'?",
            "t.conf:4:16: error: invalid domain in 'day': '*.example.com'; a step names destination domains such as gmail.com "
                + "or a domain-macro such as $yahoo (no wildcards)",
            "t.conf:5:21: error: invalid value for 'max-deferral-rate': expected a percentage such as 10% or 0.1%, found '10'",
            "t.conf:7:1: error: warmup-schedule 'b' has no step for day 2; give every day from 1 to 3, e.g. day 2 max-msg 1000/day",
            "t.conf:11:1: error: warmup-schedule 'c' has a growth rule without daily-increase; a rule needs all three, "
                + "e.g. start-rate 5/s, daily-increase 10%, ceiling 200/s",
            "t.conf:17:3: error: warmup-schedule 'd' mixes day steps and a growth rule; give either day lines "
                + "(day 1 max-msg 500/day) or start-rate, daily-increase and ceiling",
            "t.conf:20:19: error: warmup-schedule names an undefined <warmup-schedule> 'nope'",
        ])
    }

    @Test func coldMembersAndTheirDailyCap() throws {
        let result = load("""
            <virtual-mta warm1>
            </virtual-mta>
            <virtual-mta cold1>
            </virtual-mta>
            <virtual-mta-pool mixed>
              virtual-mta warm1
              cold-virtual-mta cold1
              <domain gmail.com>
                max-cold-virtual-mta-msg 500/day
              </domain>
            </virtual-mta-pool>
            <domain *>
              max-cold-virtual-mta-msg 50/day
            </domain>
            """)
        #expect(lines(result) == [])
        let pool = try #require(result.model.pools["mixed"])
        #expect(pool.members == ["warm1"])
        #expect(pool.coldMembers == ["cold1"])
        #expect(result.model.virtualMTAs(named: "mixed") == ["warm1", "cold1"])
        let gmail = result.model.effectiveSettings(domain: "gmail.com", vmta: "cold1")
        #expect(gmail.maxColdVirtualMTAMsg.value == 500)
        #expect(gmail.maxColdVirtualMTAMsg.origin.description == "t.conf:9")
        #expect(result.model.effectiveSettings(domain: "yahoo.com", vmta: "cold1").maxColdVirtualMTAMsg.value == 50)
    }

    @Test func coldMemberTwiceAndABadDailyCapAreErrors() {
        let result = load("""
            <virtual-mta a>
            </virtual-mta>
            <virtual-mta-pool p>
              virtual-mta a
              cold-virtual-mta a
            </virtual-mta-pool>
            <domain *>
              max-cold-virtual-mta-msg lots
            </domain>
            """)
        #expect(lines(result) == [
            "t.conf:5:20: error: virtual-mta 'a' is already a member of pool 'p'; list each member once, "
                + "as virtual-mta (warm) or cold-virtual-mta (cold)",
            "t.conf:8:28: error: invalid value for 'max-cold-virtual-mta-msg': expected a number of messages a day such as 500/day, found 'lots'",
        ])
    }
}
