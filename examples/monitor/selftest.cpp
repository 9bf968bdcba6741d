// SPDX-License-Identifier: MIT
#include "selftest.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QImage>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <functional>

namespace {

constexpr int timeoutMsecs = 30000;

// A QML binding that throws only prints a warning and leaves the item as it
// was: without this count the self-test passed while every finished row
// printed TypeErrors.
std::atomic<int> warningCount{0};
QtMessageHandler previousHandler = nullptr;

void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg)
        ++warningCount;
    if (previousHandler)
        previousHandler(type, context, message);
}

QQuickItem *findItem(QQuickItem *root, const QString &objectName)
{
    if (root->objectName() == objectName)
        return root;
    const QList<QQuickItem *> children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}

void spinEventLoop(int msecs)
{
    QEventLoop loop;
    QTimer::singleShot(msecs, &loop, &QEventLoop::quit);
    loop.exec();
}

class SelfTest
{
public:
    explicit SelfTest(QQuickWindow *window) : m_window(window) { }

    int run(const QString &screenshotPath);

private:
    void fail(const QString &message);
    bool waitFor(const std::function<bool()> &condition, const QString &what);
    void waitForFrame();
    QQuickItem *row(int index) const;
    QQuickItem *itemInRow(int index, const QString &objectName) const;
    QString textInRow(int index, const QString &objectName) const;
    bool rowShows(int index, const QString &state, const QString &status) const;
    bool click(QQuickItem *target, const QString &what);
    QQuickItem *windowItem(const char *objectName);
    QString startError();
    bool typeAndClick(const char *fieldName, const QString &text, const char *buttonName);
    bool submitCommand(const QString &commandLine);
    bool startCommand(const QString &commandLine);
    bool clickInRow(int index, const QString &buttonName);
    void saveScreenshot(const QString &path);
    void checkStartFailureIsShown();
    QString paneText(const char *objectName);
    bool outputShows(const QString &text);
    bool sendInput(const QString &line);
    void checkResourceCells(int index);
    void checkOutputIsCapped();

    QQuickWindow *m_window;
    int m_failures = 0;
};

void SelfTest::fail(const QString &message)
{
    ++m_failures;
    std::fprintf(stderr, "self-test: FAIL: %s\n", qPrintable(message));
}

// Polls while the event loop runs, so the children's signals, the bindings
// and the rendering all move on.
bool SelfTest::waitFor(const std::function<bool()> &condition, const QString &what)
{
    const QDeadlineTimer deadline(timeoutMsecs);
    while (!condition()) {
        if (deadline.hasExpired()) {
            fail(QStringLiteral("timed out waiting for %1").arg(what));
            return false;
        }
        spinEventLoop(10);
    }
    return true;
}

// Item positions settle in the polish step before a frame: wait for one, so a
// click lands where the user would see the button.
void SelfTest::waitForFrame()
{
    bool swapped = false;
    const QMetaObject::Connection connection = QObject::connect(
            m_window, &QQuickWindow::frameSwapped, m_window, [&swapped] { swapped = true; });
    m_window->update();
    waitFor([&swapped] { return swapped; }, QStringLiteral("a rendered frame"));
    QObject::disconnect(connection);
}

QQuickItem *SelfTest::row(int index) const
{
    return findItem(m_window->contentItem(), QStringLiteral("childRow%1").arg(index));
}

QQuickItem *SelfTest::itemInRow(int index, const QString &objectName) const
{
    QQuickItem *rowItem = row(index);
    return rowItem ? findItem(rowItem, objectName) : nullptr;
}

QString SelfTest::textInRow(int index, const QString &objectName) const
{
    const QQuickItem *label = itemInRow(index, objectName);
    return label ? label->property("text").toString() : QString();
}

bool SelfTest::rowShows(int index, const QString &state, const QString &status) const
{
    return textInRow(index, QStringLiteral("stateLabel")) == state
            && textInRow(index, QStringLiteral("statusLabel")) == status;
}

bool SelfTest::click(QQuickItem *target, const QString &what)
{
    if (!waitFor([target] { return target->isVisible() && target->isEnabled(); },
                 QStringLiteral("%1 to be enabled").arg(what))) {
        return false;
    }
    waitForFrame();
    // QTest's clicks go through QGuiApplication like real input, so the
    // pointer grab that turns press + release into clicked() works.
    const QPointF center = target->mapToScene(QPointF(target->width(), target->height()) / 2);
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
    return true;
}

QQuickItem *SelfTest::windowItem(const char *objectName)
{
    QQuickItem *item = findItem(m_window->contentItem(), QString::fromLatin1(objectName));
    if (!item)
        fail(QStringLiteral("no %1 in the window").arg(QString::fromLatin1(objectName)));
    return item;
}

QString SelfTest::startError()
{
    const QQuickItem *error = windowItem("errorLabel");
    return error && error->isVisible() ? error->property("text").toString() : QString();
}

// Types `text` into a text field and clicks a button, as a user would.
bool SelfTest::typeAndClick(const char *fieldName, const QString &text, const char *buttonName)
{
    QQuickItem *field = windowItem(fieldName);
    QQuickItem *button = windowItem(buttonName);
    if (!field || !button)
        return false;
    field->setProperty("text", text);
    return click(button, QString::fromLatin1(buttonName));
}

// Types `commandLine` into the field and clicks Start.
bool SelfTest::submitCommand(const QString &commandLine)
{
    return typeAndClick("commandField", commandLine, "startButton");
}

bool SelfTest::startCommand(const QString &commandLine)
{
    // The field clears once the command has started; a failure shows below it.
    const auto fieldText
            = [this] { return windowItem("commandField")->property("text").toString(); };
    if (!submitCommand(commandLine)
        || !waitFor([&] { return fieldText().isEmpty() || !startError().isEmpty(); },
                    QStringLiteral("\"%1\" to start").arg(commandLine))) {
        return false;
    }
    if (const QString error = startError(); !error.isEmpty()) {
        fail(QStringLiteral("\"%1\" did not start: %2").arg(commandLine, error));
        return false;
    }
    return true;
}

bool SelfTest::clickInRow(int index, const QString &buttonName)
{
    QQuickItem *button = itemInRow(index, buttonName);
    if (!button) {
        fail(QStringLiteral("no %1 in row %2").arg(buttonName).arg(index));
        return false;
    }
    return click(button, QStringLiteral("%1 of row %2").arg(buttonName).arg(index));
}

void SelfTest::saveScreenshot(const QString &path)
{
    waitForFrame();
    const QImage image = m_window->grabWindow();
    if (image.isNull())
        fail(QStringLiteral("grabWindow() returned no image"));
    else if (!image.save(path, "PNG"))
        fail(QStringLiteral("cannot write the screenshot to %1").arg(path));
    else
        std::printf("self-test: screenshot written to %s\n", qPrintable(path));
}

// A command that cannot start adds no row and says why under the field.
void SelfTest::checkStartFailureIsShown()
{
    const QString missing = QStringLiteral("sharedchild-monitor-no-such-command");
    if (!submitCommand(missing)
        || !waitFor([this] { return !startError().isEmpty(); },
                    QStringLiteral("the error for \"%1\"").arg(missing))) {
        return;
    }
    if (!startError().contains(missing))
        fail(QStringLiteral("the start error does not name the command: \"%1\"").arg(startError()));
    if (windowItem("commandField")->property("text").toString() != missing)
        fail(QStringLiteral("a failed start cleared the command field"));
    if (row(4))
        fail(QStringLiteral("a failed start added a row"));
}

QString SelfTest::paneText(const char *objectName)
{
    const QQuickItem *item = windowItem(objectName);
    return item ? item->property("text").toString() : QString();
}

bool SelfTest::outputShows(const QString &text)
{
    return waitFor([&] { return paneText("outputText").contains(text); },
                   QStringLiteral("the output pane to show \"%1\"").arg(text));
}

// Types `line` into the pane's input field and clicks Send.
bool SelfTest::sendInput(const QString &line)
{
    if (!typeAndClick("inputField", line, "sendButton"))
        return false;
    if (!paneText("inputField").isEmpty())
        fail(QStringLiteral("Send did not clear the input field"));
    return true;
}

// A finished child shows its CPU time and peak memory.
void SelfTest::checkResourceCells(int index)
{
    static const QRegularExpression cpuTime(QStringLiteral("^\\d+\\.\\d\\d s$"));
    static const QRegularExpression memory(QStringLiteral("^\\d+(\\.\\d)? (B|KiB|MiB|GiB)$"));
    const QString cpu = textInRow(index, QStringLiteral("cpuTimeLabel"));
    const QString peak = textInRow(index, QStringLiteral("peakMemoryLabel"));
    if (!cpuTime.match(cpu).hasMatch())
        fail(QStringLiteral("row %1 shows CPU time \"%2\"").arg(index).arg(cpu));
    if (!memory.match(peak).hasMatch() || peak == QStringLiteral("0 B"))
        fail(QStringLiteral("row %1 shows peak memory \"%2\"").arg(index).arg(peak));
}

// A child writing more than the pane keeps: it shows the end, capped, and says so.
void SelfTest::checkOutputIsCapped()
{
    constexpr int limit = 200 * 1024;
    const QString chatty = QStringLiteral("sh -c \"yes 0123456789 | head -c 1100000; echo END\"");
    if (!startCommand(chatty)
        || !waitFor(
                [&] {
                    return rowShows(4, QStringLiteral("Finished"), QStringLiteral("exit code 0"));
                },
                QStringLiteral("row 4 to show exit code 0"))
        || !outputShows(QStringLiteral("0123456789\nEND\n"))) {
        return;
    }
    const QString text = paneText("outputText");
    if (text.size() > limit || text.size() < limit / 2)
        fail(QStringLiteral("the pane keeps %1 characters of output, the limit is %2")
                     .arg(text.size())
                     .arg(limit));
    if (!text.startsWith(QStringLiteral("0123456789\n")))
        fail(QStringLiteral("the capped output does not begin at a line"));
    if (const QQuickItem *note = windowItem("truncatedLabel"); note && !note->isVisible())
        fail(QStringLiteral("the pane does not say that output was dropped"));
    // The view followed the output to its end.
    if (const QQuickItem *view = windowItem("outputView")) {
        waitFor([view] { return view->property("atYEnd").toBool(); },
                QStringLiteral("the output view to show the end of the output"));
    }
}

int SelfTest::run(const QString &screenshotPath)
{
    const QString running = QStringLiteral("Running");
    const QString finished = QStringLiteral("Finished");
    const QString noStatus = QStringLiteral("—");
    const QString killed = QStringLiteral("killed by signal 9 (SIGKILL)");
    const QString terminated = QStringLiteral("killed by signal 15 (SIGTERM)");
    // Greets, echoes each line of its stdin, and says goodbye on stderr at
    // the end of its stdin.
    const QString echo = QStringLiteral(
            "sh -c \"echo ready; while read line; do echo got:$line; done; echo bye >&2\"");

    // Each step needs the one before: stop at the first failure rather than
    // wait out every later timeout.
    const auto report = [this] {
        if (const int warnings = warningCount.load(); warnings > 0)
            fail(QStringLiteral("Qt printed %1 warning(s), see above").arg(warnings));
        std::printf("self-test: %s\n", m_failures == 0 ? "all checks passed" : "FAILED");
        return m_failures == 0 ? 0 : 1;
    };
    if (!waitFor([this] { return m_window->isExposed(); }, QStringLiteral("the window to show")))
        return report();

    // Quotes group words; the third command ends by itself with a status of its
    // own; the fourth talks with the output pane, which shows the newest child.
    for (const QString &commandLine : {QStringLiteral("sleep 300"), QStringLiteral("sleep 600"),
                                       QStringLiteral("sh -c \"exit 3\""), echo}) {
        if (!startCommand(commandLine))
            return report();
    }
    if (!waitFor([&] { return rowShows(0, running, noStatus) && rowShows(1, running, noStatus); },
                 QStringLiteral("rows 0 and 1 to show Running"))
        || !waitFor([&] { return rowShows(2, finished, QStringLiteral("exit code 3")); },
                    QStringLiteral("row 2 to show exit code 3"))) {
        return report();
    }
    const QString firstPid = textInRow(0, QStringLiteral("pidLabel"));
    const QString secondPid = textInRow(1, QStringLiteral("pidLabel"));
    if (firstPid.toLongLong() <= 0 || secondPid.toLongLong() <= 0 || firstPid == secondPid)
        fail(QStringLiteral("rows 0 and 1 show PIDs \"%1\" and \"%2\"").arg(firstPid, secondPid));
    checkResourceCells(2);
    for (const char *cell : {"cpuTimeLabel", "peakMemoryLabel"}) {
        if (const QString text = textInRow(1, QString::fromLatin1(cell)); !text.isEmpty())
            fail(QStringLiteral("running row 1 shows %1 \"%2\"")
                         .arg(QString::fromLatin1(cell), text));
    }

    // Live output, and a line written to the child's stdin.
    if (!paneText("outputTitle").contains(echo.left(20)))
        fail(QStringLiteral("the output pane shows \"%1\", not the newest child")
                     .arg(paneText("outputTitle")));
    if (!outputShows(QStringLiteral("ready\n")) || !sendInput(QStringLiteral("hello monitor"))
        || !outputShows(QStringLiteral("ready\ngot:hello monitor\n"))) {
        return report();
    }

    if (!clickInRow(0, QStringLiteral("killButton"))
        || !waitFor([&] { return rowShows(0, finished, killed); },
                    QStringLiteral("row 0 to show \"%1\"").arg(killed))) {
        return report();
    }
    if (!rowShows(1, running, noStatus))
        fail(QStringLiteral("killing row 0 changed row 1"));
    if (textInRow(0, QStringLiteral("pidLabel")) != firstPid)
        fail(QStringLiteral("row 0 lost its PID after the kill"));
    if (const QQuickItem *kill = itemInRow(0, QStringLiteral("killButton"));
        kill && kill->isVisible()) {
        fail(QStringLiteral("row 0 still shows its Kill button after the child ended"));
    }
    checkResourceCells(0);

    // A running child's run time is live.
    const QString runTime = textInRow(1, QStringLiteral("runTimeLabel"));
    waitFor([&] { return textInRow(1, QStringLiteral("runTimeLabel")) != runTime; },
            QStringLiteral("row 1's run time to move on from \"%1\"").arg(runTime));

    saveScreenshot(screenshotPath);

    if (clickInRow(1, QStringLiteral("stopButton"))) {
        waitFor([&] { return rowShows(1, finished, terminated); },
                QStringLiteral("row 1 to show \"%1\"").arg(terminated));
    }

    // Closing stdin ends the echoing child, whose last words go to stderr.
    if (QQuickItem *close = windowItem("closeInputButton");
        close && click(close, QStringLiteral("the Close stdin button"))) {
        if (waitFor([&] { return rowShows(3, finished, QStringLiteral("exit code 0")); },
                    QStringLiteral("row 3 to show exit code 0"))
            && outputShows(QStringLiteral("got:hello monitor\nbye\n"))) {
            checkResourceCells(3);
        }
        if (const QQuickItem *field = windowItem("inputField"); field && field->isEnabled())
            fail(QStringLiteral("the input field is enabled for a finished child"));
    }

    // A click on a row shows that child's output instead.
    if (QQuickItem *command = itemInRow(0, QStringLiteral("commandLabel"))) {
        click(command, QStringLiteral("the command of row 0"));
        waitFor([this] { return paneText("outputTitle").contains(QStringLiteral("sleep 300")); },
                QStringLiteral("the output pane to show row 0"));
    }
    checkStartFailureIsShown();
    checkOutputIsCapped();

    // Every child has ended now: "Clear finished" empties the list.
    if (QQuickItem *clear = windowItem("clearButton");
        clear && click(clear, QStringLiteral("the Clear finished button"))) {
        waitFor([this] { return !row(0); }, QStringLiteral("the list to empty"));
        if (!paneText("outputText").isEmpty())
            fail(QStringLiteral("the output pane still shows text of a cleared child"));
    }
    return report();
}

} // namespace

void countWarnings()
{
    previousHandler = qInstallMessageHandler(countingHandler);
}

int runSelfTest(QQuickWindow *window, const QString &screenshotPath)
{
    return SelfTest(window).run(screenshotPath);
}
