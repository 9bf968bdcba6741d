// SPDX-License-Identifier: MIT
#include "readbuffer.h"

#include <cstring>

namespace SharedChild::QtDetail {

char *ReadBuffer::reserve(qsizetype count)
{
    if (m_head == m_data.size()) {
        m_data.resize(0); // keeps the capacity
        m_head = 0;
    } else if (m_head > 0 && m_head >= size()) {
        // Moving the smaller rest to the front keeps every byte's copies bounded.
        std::memmove(m_data.data(), m_data.constData() + m_head, size());
        m_data.resize(size());
        m_head = 0;
    }
    const qsizetype oldSize = m_data.size();
    m_data.resize(oldSize + count);
    return m_data.data() + oldSize;
}

qsizetype ReadBuffer::read(char *into, qsizetype maxSize)
{
    const qsizetype count = std::min(maxSize, size());
    if (count > 0) {
        std::memcpy(into, m_data.constData() + m_head, count);
        m_head += count;
    }
    return count;
}

qsizetype ReadBuffer::readLine(char *into, qsizetype maxSize)
{
    const qsizetype limit = std::min(maxSize, size());
    const char *begin = m_data.constData() + m_head;
    const void *newline = std::memchr(begin, '\n', limit);
    const qsizetype count = newline ? static_cast<const char *>(newline) - begin + 1 : limit;
    return read(into, count);
}

QByteArray ReadBuffer::takeLine(qsizetype maxSize)
{
    const qsizetype limit = maxSize > 0 ? std::min(maxSize, size()) : size();
    const char *begin = m_data.constData() + m_head;
    const void *newline = std::memchr(begin, '\n', limit);
    const qsizetype count = newline ? static_cast<const char *>(newline) - begin + 1 : limit;
    QByteArray line(begin, count);
    m_head += count;
    return line;
}

bool ReadBuffer::hasLine() const
{
    return std::memchr(m_data.constData() + m_head, '\n', size()) != nullptr;
}

QByteArray ReadBuffer::readAll()
{
    QByteArray result = m_head == 0 ? std::exchange(m_data, {}) : m_data.mid(m_head);
    clear();
    return result;
}

void ReadBuffer::unread(const QByteArray &data)
{
    if (data.isEmpty())
        return;
    if (data.size() <= m_head) {
        m_head -= data.size();
        std::memcpy(m_data.data() + m_head, data.constData(), data.size());
        return;
    }
    m_data = data + m_data.mid(m_head);
    m_head = 0;
}

void ReadBuffer::clear()
{
    m_data.clear();
    m_head = 0;
}

} // namespace SharedChild::QtDetail
