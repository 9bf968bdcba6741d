// SPDX-License-Identifier: MIT
#include "apistarter.h"

#include <sharedchild/sharedchildprocess.h>

#include <QProcess>

namespace Bench {

ApiStarter::ApiStarter(Api api, std::function<void(bool)> onFinished)
    : m_api(api), m_onFinished(std::move(onFinished))
{ }

ApiStarter::~ApiStarter() = default;

bool ApiStarter::start(const QString &program, const QStringList &arguments)
{
    if (m_api == Api::SharedChildProcess) {
        auto *process = new SharedChildProcess(&m_owner);
        QObject::connect(
                process, &SharedChildProcess::finished, process,
                [this](const SharedChildExitStatus &status) { m_onFinished(status.success()); });
        process->setProgram(program);
        process->setArguments(arguments);
        if (process->start())
            return true;
        if (m_firstError.isEmpty())
            m_firstError = process->errorString();
        delete process;
        return false;
    }
    Q_ASSERT(m_api == Api::QProcess);
    auto *process = new QProcess(&m_owner);
    QObject::connect(process, &QProcess::finished, process,
                     [this](int exitCode, QProcess::ExitStatus exitStatus) {
                         m_onFinished(exitStatus == QProcess::NormalExit && exitCode == 0);
                     });
    process->start(program, arguments);
    if (process->state() != QProcess::NotRunning)
        return true;
    if (m_firstError.isEmpty())
        m_firstError = process->errorString();
    delete process;
    return false;
}

} // namespace Bench
