import Foundation
import Testing

/// The programs outside the package that tests of this target talk to, one trait each: a test
/// whose program is missing is skipped with a reason naming what to install (never failed, never
/// passed silently). `.ci/run` installs them all and fails when any test was skipped.
enum Peers {
    /// tmux on PATH, which runs the console in a terminal for the end-to-end test.
    static let tmux = ConditionTrait.enabled(if: TmuxSession.tmuxPath != nil, "needs tmux: apt-get install tmux")
}
