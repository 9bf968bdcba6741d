# SPDX-License-Identifier: MIT
# The mechanical port of Qt 6.4.2's tst_qprocess.cpp from QProcess to
# SharedChildProcess (GNU sed -E; scripts/test-qprocess-upstream applies it to
# the fetched file, never to anything in this repository). Nothing here
# changes what a test does: every rule is a rename, and each says why it is
# needed. The helper programs (testForwarding uses QProcess) are not ported.

# 1. The header. SharedChildProcess's header replaces QProcess's. The test also
#    uses QProcessEnvironment, which stays Qt's: our header includes
#    <QProcessEnvironment>, since setProcessEnvironment() takes one, so one line
#    stays one line and the ported file's line numbers are upstream's. Runs
#    before rule 2, which would otherwise make it <QtCore/SharedChildProcess>.
s|^#include <QtCore/QProcess>$|#include <sharedchild/sharedchildprocess.h>|

# 2. The class: QProcess as a whole word becomes SharedChildProcess. Word
#    boundaries leave QProcessEnvironment and tst_QProcess alone. This also
#    renames QProcess::Enum (its enums are SharedChildProcess's), the type names
#    passed to qRegisterMetaType ("QProcess::ProcessError" is the normalized
#    name of the renamed type), the SoftExitProcess base class, and two expected
#    warnings ("QProcess::start: program not set", "QProcess::readAllStandardError:
#    Called with MergedChannels"): the drop-in names its own class in its
#    warnings, as QProcess does.
s/\bQProcess\b/SharedChildProcess/g

# No rule for `finished` connections: SharedChildProcess::finished carries
# (SharedChildExitStatus, ExitStatus), and the status converts to the exit
# code, so QSignalSpy's argument 1 and the test's (int, ExitStatus) and (int)
# slots see what QProcess gives them. If a later API needs one, it goes here.
