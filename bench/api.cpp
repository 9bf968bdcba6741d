// SPDX-License-Identifier: MIT
#include "api.h"

namespace Bench {

QString apiName(Api api)
{
    switch (api) {
    case Api::SharedChildProcess:
        return QStringLiteral("SharedChildProcess");
    case Api::QProcess:
        return QStringLiteral("QProcess");
    case Api::RawPosix:
        break;
    }
    return QStringLiteral("posix_spawn");
}

std::optional<Api> apiNamed(const QString &name)
{
    for (const Api api : {Api::SharedChildProcess, Api::QProcess, Api::RawPosix}) {
        if (apiName(api) == name)
            return api;
    }
    return std::nullopt;
}

} // namespace Bench
