// SPDX-License-Identifier: MIT
// The portable half of ExitWatcher: which child has which callback, holds,
// and the loop. The OS half (which children have exited) is an ExitSource.

#include <sharedchild/exitwatcher.h>

#include "childpointerhash.h"
#include "exitsource.h"
#include "librarythread.h"

#include <sharedchild/child.h>

#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace SharedChild {

using Detail::WatchToken;

class SHAREDCHILD_CORE_NO_EXPORT ExitWatcher::Private
{
public:
    explicit Private(LoopThread loopThread) : loop(loopThread), source(Detail::createExitSource())
    { }

    struct Entry
    {
        std::shared_ptr<Child> child;
        Callback callback;
        int holds = 0; // threads inside a wait on the child; paused in the source while > 0
        bool exitedWhileHeld = false; // its token came while held: run it on the last release
    };

    std::size_t runOnce(std::optional<std::chrono::milliseconds> timeout);
    bool quitting() const
    {
        std::lock_guard lock(mutex);
        return quit;
    }

    const LoopThread loop;
    const std::unique_ptr<Detail::ExitSource> source; // calls but wait()/wake() under mutex
    mutable std::mutex mutex; // lock order: see src/LOCKING.md
    std::unordered_map<WatchToken, Entry> entries; // guarded by mutex
    std::unordered_map<const Child *, WatchToken, Detail::ChildPointerHash>
            tokens; // guarded by mutex
    WatchToken nextToken = 1; // guarded by mutex; tokens are never reused
    std::vector<WatchToken> due; // guarded by mutex; exited, found out without the source
    bool quit = false; // guarded by mutex
    std::thread thread; // LoopThread::Own; set before the watcher is shared
};

// The callbacks run with no lock held, each once: its entry is gone before it
// runs, so neither unwatch() nor a second token can reach it.
std::size_t ExitWatcher::Private::runOnce(std::optional<std::chrono::milliseconds> timeout)
{
    std::vector<WatchToken> exited;
    {
        std::lock_guard lock(mutex);
        exited.swap(due);
    }
    source->wait(exited.empty() ? timeout : std::chrono::milliseconds(0), exited);
    std::size_t ran = 0;
    for (const WatchToken token : exited) {
        std::shared_ptr<Child> child;
        Callback callback;
        {
            std::lock_guard lock(mutex);
            if (quit)
                break;
            const auto found = entries.find(token);
            if (found == entries.end())
                continue; // unwatched meanwhile
            Entry &entry = found->second;
            if (entry.holds > 0) {
                entry.exitedWhileHeld = true;
                continue;
            }
            source->remove(*entry.child, token);
            child = std::move(entry.child);
            callback = std::move(entry.callback);
            tokens.erase(child.get());
            entries.erase(found);
        }
        // An exception leaving a callback ends the program, as the header
        // says, on either loop thread: waitOnce() does not pass it on.
        [&]() noexcept { callback(child); }();
        ++ran;
    }
    return ran;
}

ExitWatcher::ExitWatcher(LoopThread loop) : d(std::make_shared<Private>(loop))
{
    if (loop != LoopThread::Own)
        return;
    // The thread keeps the private part alive: a callback may destroy the
    // watcher, and the thread then outlives it until the callback returns.
    d->thread = std::thread([self = d] {
        Detail::keepSignalsAwayFromThisThread();
        while (!self->quitting())
            self->runOnce(std::nullopt);
    });
}

ExitWatcher::~ExitWatcher()
{
    // Dropped after every lock is let go: a callback's captures and the last
    // reference to a Child may run anything.
    std::unordered_map<WatchToken, Private::Entry> dropped;
    {
        std::lock_guard lock(d->mutex);
        d->quit = true;
        dropped.swap(d->entries);
        d->tokens.clear();
        d->due.clear();
        for (const auto &[token, entry] : dropped)
            d->source->remove(*entry.child, token);
    }
    d->source->wake();
    if (d->thread.joinable()) {
        if (d->thread.get_id() == std::this_thread::get_id())
            d->thread.detach();
        else
            d->thread.join();
    }
}

void ExitWatcher::watch(std::shared_ptr<Child> child, Callback onExit)
{
    if (!child || !onExit)
        throw std::system_error(EINVAL, std::generic_category(),
                                child ? "ExitWatcher::watch(): no callback for pid "
                                                + std::to_string(child->id())
                                      : "ExitWatcher::watch(): no child");
    std::lock_guard lock(d->mutex);
    if (d->tokens.count(child.get()) != 0)
        throw std::system_error(EEXIST, std::generic_category(),
                                "ExitWatcher::watch(): pid " + std::to_string(child->id())
                                        + " is watched already");
    const WatchToken token = d->nextToken;
    d->source->add(child, token);
    ++d->nextToken;
    d->tokens.emplace(child.get(), token);
    d->entries.emplace(token, Private::Entry{std::move(child), std::move(onExit)});
}

bool ExitWatcher::unwatch(const Child &child)
{
    Private::Entry dropped; // let go of after the lock, as in the destructor
    {
        std::lock_guard lock(d->mutex);
        const auto token = d->tokens.find(&child);
        if (token == d->tokens.end())
            return false;
        const auto entry = d->entries.find(token->second);
        d->source->remove(child, token->second);
        dropped = std::move(entry->second);
        d->entries.erase(entry);
        d->tokens.erase(token);
    }
    return true;
}

void ExitWatcher::hold(const Child &child)
{
    std::lock_guard lock(d->mutex);
    const auto token = d->tokens.find(&child);
    if (token == d->tokens.end())
        return;
    if (d->entries.at(token->second).holds++ == 0)
        d->source->pause(child, token->second);
}

void ExitWatcher::release(const Child &child) noexcept
{
    {
        std::lock_guard lock(d->mutex);
        const auto token = d->tokens.find(&child);
        if (token == d->tokens.end())
            return;
        Private::Entry &entry = d->entries.at(token->second);
        if (entry.holds == 0 || --entry.holds > 0)
            return;
        // Exited meanwhile, or no way left to watch it: its callback is due.
        if (!entry.exitedWhileHeld && d->source->resume(entry.child, token->second))
            return;
        d->due.push_back(token->second);
    }
    d->source->wake();
}

std::size_t ExitWatcher::watchedCount() const
{
    std::lock_guard lock(d->mutex);
    return d->entries.size();
}

std::size_t ExitWatcher::waitOnce(std::optional<std::chrono::milliseconds> timeout)
{
    if (d->loop != LoopThread::Caller)
        throw std::system_error(EINVAL, std::generic_category(),
                                "ExitWatcher::waitOnce(): the watcher runs its own loop thread");
    const std::shared_ptr<Private> self = d; // a callback may destroy the watcher
    return self->runOnce(timeout);
}

void ExitWatcher::wake()
{
    d->source->wake();
}

} // namespace SharedChild
