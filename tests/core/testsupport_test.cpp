// SPDX-License-Identifier: MIT
// The test support's own promises, where a test relies on them.

#include "testsupport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

using namespace SharedChildTest;

namespace {

// Records that it was destroyed, slowly: a thread that released it only
// after handing over its result is then caught.
class ReleaseRecorder
{
public:
    explicit ReleaseRecorder(std::atomic<bool> &released) : m_released(released) { }
    ~ReleaseRecorder()
    {
        std::this_thread::sleep_for(50ms);
        m_released = true;
    }
    ReleaseRecorder(const ReleaseRecorder &) = delete;
    ReleaseRecorder &operator=(const ReleaseRecorder &) = delete;

private:
    std::atomic<bool> &m_released;
};

} // namespace

// A test may end, and the program exit, once it has a background call's
// result. By then the thread must hold nothing of the test's, above all not
// the last reference to a child, which it would otherwise destroy while the
// program tears down (a suspect for a segfault seen once at exit under Wine).
TEST(TestSupport, BackgroundThreadReleasesItsCapturesBeforeTheResult)
{
    {
        std::atomic<bool> released{false};
        auto result = runDetached(
                [recorder = std::make_shared<ReleaseRecorder>(released)] { return 7; });
        ASSERT_EQ(result.wait_for(generousTimeout), std::future_status::ready);
        EXPECT_TRUE(released) << "a returned value";
        EXPECT_EQ(result.get(), 7);
    }
    {
        std::atomic<bool> released{false};
        auto result = runDetached([recorder = std::make_shared<ReleaseRecorder>(released)] {});
        ASSERT_EQ(result.wait_for(generousTimeout), std::future_status::ready);
        EXPECT_TRUE(released) << "no value";
    }
    {
        std::atomic<bool> released{false};
        auto result
                = runDetached([recorder = std::make_shared<ReleaseRecorder>(released)]() -> int {
                      throw std::runtime_error("thrown");
                  });
        ASSERT_EQ(result.wait_for(generousTimeout), std::future_status::ready);
        EXPECT_TRUE(released) << "an exception";
        EXPECT_THROW(result.get(), std::runtime_error);
    }
    {
        std::atomic<bool> released{false};
        auto call = startInBackground(
                [recorder = std::make_shared<ReleaseRecorder>(released)] { return 8; });
        ASSERT_TRUE(call.finishesWithin());
        EXPECT_TRUE(released) << "a BackgroundCall";
        EXPECT_EQ(call.get(), 8);
    }
}
