// SPDX-License-Identifier: MIT
#pragma once

// A test seam: before each wait, peek and reap system call the POSIX backends
// ask whether a test wants that call to fail. Failures such as ENOMEM from
// ppoll() or waitid() cannot be provoked from outside, yet the state machine
// must survive them. Only the fault-injection copy of the core that tests/core
// builds defines SHAREDCHILD_TEST_FAULT_INJECTION, and the test defines the
// function; in the library the check is a constant false and compiles away.

namespace SharedChild::Detail {

enum class FaultPoint {
    Wait, // the blocking wait for the exit (ppoll(), waitid() without WNOHANG)
    Peek, // the non-blocking look at the exit status (waitid(WNOHANG | WNOWAIT))
    Reap, // collecting the status (waitid(P_PIDFD), wait4())
};

#ifdef SHAREDCHILD_TEST_FAULT_INJECTION
/// True, with errno set, when the test armed a failure of the call at `point`.
bool injectedFault(FaultPoint point);
#else
constexpr bool injectedFault(FaultPoint /*point*/)
{
    return false;
}
#endif

} // namespace SharedChild::Detail
