// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace Bench {

/// Which API a trial starts its children with.
enum class Api {
    SharedChildProcess,
    QProcess,
    RawPosix, ///< posix_spawn + pidfd_open, reaped with waitid(P_PIDFD): the floor
};

/// "SharedChildProcess", "QProcess", "posix_spawn"
QString apiName(Api api);
std::optional<Api> apiNamed(const QString &name);

} // namespace Bench
