// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/filedescriptor.h>
#include <sharedchild/sharedchild_core_export.h>

#include <memory>
#include <string>
#include <utility> // unused here now; kept for code that relied on it

namespace SharedChild {

/// Where one of a child's standard streams goes. Used with
/// Command::setStdin(), setStdout() and setStderr(). An immutable value type,
/// made by the static functions below.
///
/// Reentrant: distinct objects may be used from different threads, and one
/// object may be read (and copied) from any number of threads at once.
class SHAREDCHILD_CORE_EXPORT Stdio
{
public:
    /// The kinds of setting, one per static function below.
    enum class Kind {
        Inherit, ///< the parent's stream (the default)
        Null, ///< the null device
        File, ///< a file: read for stdin; created and truncated for output
        AppendFile, ///< a file, created if needed and appended to (output only)
        Pipe, ///< a pipe whose other end the parent takes from the Child
        MergeWithStdout, ///< stderr only: wherever stdout goes
        Descriptor, ///< a copy of a descriptor of the parent's (e.g. one end of makePipe())
    };

    /// The parent's stream (the default). Allocates nothing.
    static Stdio inherit() noexcept;
    /// The null device.
    static Stdio null();
    /// A file: read for stdin; created and truncated for output.
    static Stdio file(std::string path);
    /// A file, created if needed and appended to (output only).
    static Stdio appendFile(std::string path);
    /// A pipe whose other end the parent takes from the Child.
    static Stdio pipe();
    /// For stderr only: wherever stdout goes.
    static Stdio mergeWithStdout();
    /// The child gets a copy of `descriptor`, which stays the caller's: it
    /// must stay open until spawn() returns, and the caller closes it.
    static Stdio descriptor(NativeDescriptor descriptor);

    /// Copies share the setting; no allocation.
    Stdio(const Stdio &other) noexcept;
    /// Leaves `other` as inherit().
    Stdio(Stdio &&other) noexcept;
    /// Copies share the setting; no allocation.
    Stdio &operator=(const Stdio &other) noexcept;
    /// Leaves `other` as inherit().
    Stdio &operator=(Stdio &&other) noexcept;
    ~Stdio();

    /// Which of the settings above this is.
    Kind kind() const noexcept;
    /// The file of file() and appendFile(); empty for the other kinds. The
    /// reference stays valid while this object is neither assigned to nor destroyed.
    const std::string &path() const noexcept;
    /// The descriptor of descriptor(); invalidNativeDescriptor() for the other kinds.
    NativeDescriptor nativeDescriptor() const noexcept;

    /// Same kind, same path, same descriptor.
    bool operator==(const Stdio &other) const noexcept;

private:
    struct Data;
    explicit Stdio(std::shared_ptr<const Data> data) noexcept;
    std::shared_ptr<const Data> d; // null: inherit()
};

} // namespace SharedChild
