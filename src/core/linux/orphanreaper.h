// SPDX-License-Identifier: MIT
#pragma once

namespace SharedChild::Detail {

/// Takes ownership of the pidfd of a child nobody will wait for, reaps the
/// child once it exits and closes the pidfd. One epoll thread serves every
/// orphan; it starts with the first one and lives as long as the program.
void reapOrphanInBackground(int pidfd);

} // namespace SharedChild::Detail
