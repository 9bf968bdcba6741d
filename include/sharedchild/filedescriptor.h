// SPDX-License-Identifier: MIT
#pragma once

#include <sharedchild/sharedchild_core_export.h>

namespace SharedChild {

#ifdef _WIN32
using NativeDescriptor = void *; ///< a HANDLE
inline NativeDescriptor invalidNativeDescriptor()
{
    return reinterpret_cast<void *>(-1); // INVALID_HANDLE_VALUE
}
#else
using NativeDescriptor = int;
constexpr NativeDescriptor invalidNativeDescriptor()
{
    return -1;
}
#endif

/// An owned, close-on-exec file descriptor (on Windows: a non-inheritable
/// HANDLE), closed when the object goes away. Move-only.
class SHAREDCHILD_CORE_EXPORT FileDescriptor
{
public:
    using Native = NativeDescriptor;
    static inline const Native invalid = invalidNativeDescriptor();

    FileDescriptor() = default;
    explicit FileDescriptor(Native native) : m_native(native) { }
    ~FileDescriptor() { close(); }
    FileDescriptor(FileDescriptor &&other) noexcept : m_native(other.release()) { }
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

    bool isValid() const { return m_native != invalid; }
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
struct Pipe
{
    FileDescriptor readEnd;
    FileDescriptor writeEnd;
};
/// Throws std::system_error (EMFILE, ...) when no pipe can be made.
SHAREDCHILD_CORE_EXPORT Pipe makePipe();

} // namespace SharedChild
