// SPDX-License-Identifier: MIT
#pragma once

// The QML names of the Qt layer's types. They are declared here, as foreign
// types, so that src/qt stays free of any QML dependency.

#include <sharedchild/sharedchildexitstatus.h>
#include <sharedchild/sharedchildprocess.h>

#include <QtQml/qqml.h>

/// `SharedChildProcess { program: "sleep"; arguments: ["10"] }`, creatable.
struct SharedChildProcessForeign
{
    Q_GADGET
    QML_FOREIGN(SharedChildProcess)
    QML_NAMED_ELEMENT(SharedChildProcess)
};

/// The value type `exitStatus`: finished()'s argument and the exitStatus property.
struct SharedChildExitStatusForeign
{
    Q_GADGET
    QML_FOREIGN(SharedChildExitStatus)
    QML_VALUE_TYPE(exitStatus)
};
