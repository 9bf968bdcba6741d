// SPDX-License-Identifier: MIT
/// \file
/// SharedChild::FileDescriptor, an owned descriptor, and makePipe().
#pragma once

#include <sharedchild/sharedchild_core_export.h>

namespace SharedChild {

#ifdef _WIN32
using NativeDescriptor = void *; ///< a HANDLE
/// INVALID_HANDLE_VALUE.
inline NativeDescriptor invalidNativeDescriptor()
{
    return reinterpret_cast<void *>(-1); // INVALID_HANDLE_VALUE
}
#else
/// The operating system's descriptor type: a file descriptor (int) on POSIX,
/// a HANDLE (void *) on Windows.
using NativeDescriptor = int;
/// The value no valid descriptor has: -1 on POSIX, INVALID_HANDLE_VALUE on
/// Windows.
/// \threadsafe
constexpr NativeDescriptor invalidNativeDescriptor()
{
    return -1;
}
#endif

/// An owned, close-on-exec file descriptor (on Windows: a non-inheritable
/// HANDLE), closed when the object goes away. Move-only.
///
/// \reentrant
class SHAREDCHILD_CORE_EXPORT FileDescriptor
{
public:
    /// The operating system's descriptor type (NativeDescriptor).
    using Native = NativeDescriptor;
    /// The value of an invalid descriptor (invalidNativeDescriptor()).
    static inline const Native invalid = invalidNativeDescriptor();

    /// An invalid descriptor, owning nothing.
    FileDescriptor() = default;
    /// Takes ownership of `native` (which may be invalid).
    explicit FileDescriptor(Native native) : m_native(native) { }
    /// Closes the descriptor, if any.
    ~FileDescriptor() { close(); }
    /// Takes over `other`'s descriptor; `other` becomes invalid.
    FileDescriptor(FileDescriptor &&other) noexcept : m_native(other.release()) { }
    /// Closes this descriptor, then takes over `other`'s; `other` becomes invalid.
    FileDescriptor &operator=(FileDescriptor &&other) noexcept
    {
        if (this != &other) {
            close();
            m_native = other.release();
        }
        return *this;
    }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;

    /// True while the object owns a descriptor.
    bool isValid() const { return m_native != invalid; }
    /// isValid().
    explicit operator bool() const { return isValid(); }
    /// The descriptor, still owned by this object.
    Native get() const { return m_native; }
    /// Gives up ownership: the caller closes the returned descriptor.
    Native release()
    {
        const Native native = m_native;
        m_native = invalid;
        return native;
    }
    /// Closes now (no-op when already invalid).
    void close();

private:
    Native m_native = invalid;
};

/// The two ends of a new pipe, both close-on-exec (non-inheritable).
///
/// \reentrant
struct Pipe
{
    FileDescriptor readEnd; ///< what is written to writeEnd is read here
    FileDescriptor writeEnd; ///< the end to write to
};
/// A new pipe, for instance to connect two children with Stdio::descriptor().
/// Throws std::system_error (EMFILE, ...) when no pipe can be made.
/// \threadsafe
SHAREDCHILD_CORE_EXPORT Pipe makePipe();

} // namespace SharedChild
