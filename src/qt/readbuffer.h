// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace SharedChild::QtDetail {

/// What was read from one of a child's output channels and not yet taken by
/// the user. Bytes are consumed from the front by advancing an offset, so that
/// reading a big buffer line by line costs no copying of what is left.
class ReadBuffer
{
public:
    qsizetype size() const { return m_data.size() - m_head; }
    bool isEmpty() const { return size() == 0; }
    /// Room for `count` more bytes at the end; chop() what was not filled.
    char *reserve(qsizetype count);
    void chop(qsizetype count) { m_data.chop(count); }

    qsizetype read(char *into, qsizetype maxSize);
    /// Up to and including the first '\n', at most `maxSize` bytes.
    qsizetype readLine(char *into, qsizetype maxSize);
    bool hasLine() const;
    /// readLine() into a new array; `maxSize` 0 means no limit.
    QByteArray takeLine(qsizetype maxSize);
    QByteArray readAll();
    /// Puts `data` back in front of what is buffered.
    void unread(const QByteArray &data);
    void clear();

private:
    QByteArray m_data;
    qsizetype m_head = 0;
};

} // namespace SharedChild::QtDetail
