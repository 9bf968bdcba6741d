// SPDX-License-Identifier: MIT
#include <sharedchild/exitstatus.h>

namespace SharedChild {

struct ResourceUsage::Data
{
    std::chrono::microseconds userTime;
    std::chrono::microseconds systemTime;
    std::int64_t peakRssBytes;
};

ResourceUsage::ResourceUsage() noexcept = default;

ResourceUsage::ResourceUsage(std::chrono::microseconds userTime,
                             std::chrono::microseconds systemTime, std::int64_t peakRssBytes)
    : d(std::make_shared<const Data>(Data{userTime, systemTime, peakRssBytes}))
{ }

ResourceUsage::ResourceUsage(const ResourceUsage &other) noexcept = default;
ResourceUsage::ResourceUsage(ResourceUsage &&other) noexcept = default;
ResourceUsage &ResourceUsage::operator=(const ResourceUsage &other) noexcept = default;
ResourceUsage &ResourceUsage::operator=(ResourceUsage &&other) noexcept = default;
ResourceUsage::~ResourceUsage() = default;

bool ResourceUsage::isValid() const noexcept
{
    return d != nullptr;
}

std::chrono::microseconds ResourceUsage::userTime() const noexcept
{
    return d ? d->userTime : std::chrono::microseconds(0);
}

std::chrono::microseconds ResourceUsage::systemTime() const noexcept
{
    return d ? d->systemTime : std::chrono::microseconds(0);
}

std::int64_t ResourceUsage::peakRssBytes() const noexcept
{
    return d ? d->peakRssBytes : 0;
}

bool ResourceUsage::operator==(const ResourceUsage &other) const noexcept
{
    if (!d || !other.d)
        return d == other.d;
    return d->userTime == other.d->userTime && d->systemTime == other.d->systemTime
            && d->peakRssBytes == other.d->peakRssBytes;
}

} // namespace SharedChild
