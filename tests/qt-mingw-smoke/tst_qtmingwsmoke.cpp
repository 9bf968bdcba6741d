// SPDX-License-Identifier: MIT
// What the Qt layer will need from QtCore on Windows, checked under Wine: a
// second thread with queued calls, timers, and QProcess's overlapped named
// pipes (the model for our Windows pipe channels).
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

class QtMingwSmoke : public QObject
{
    Q_OBJECT

private slots:
    void queuedCallFromAnotherThread()
    {
        QThread thread;
        thread.start();
        QObject context;
        Qt::HANDLE calledOn = nullptr;
        QObject worker;
        worker.moveToThread(&thread);
        QMetaObject::invokeMethod(&worker, [&] {
            QMetaObject::invokeMethod(&context, [&] { calledOn = QThread::currentThreadId(); });
        });
        QTRY_VERIFY_WITH_TIMEOUT(calledOn != nullptr, 10000);
        QCOMPARE(calledOn, QThread::currentThreadId());
        thread.quit();
        QVERIFY(thread.wait(10000));
    }

    void timerFires()
    {
        QTimer timer;
        timer.setSingleShot(true);
        QSignalSpy fired(&timer, &QTimer::timeout);
        timer.start(10);
        QVERIFY(fired.wait(10000));
    }

    void processPipesBothWays()
    {
        QProcess process;
        process.start(QStringLiteral("cmd"), {QStringLiteral("/c"), QStringLiteral("more")});
        QVERIFY2(process.waitForStarted(30000), qPrintable(process.errorString()));
        process.write("through the pipe\r\n");
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.readAllStandardOutput().contains("through the pipe"),
                 "the child's output did not come back");
    }
};

QTEST_GUILESS_MAIN(QtMingwSmoke)
#include "tst_qtmingwsmoke.moc"
