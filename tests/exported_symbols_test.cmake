# SPDX-License-Identifier: MIT
# What the shared libraries export is their public API and nothing else:
# members of the public classes, the free functions of the public headers
# (signalName(), makePipe(), the SIGCHLD calls), and the typeinfo of those
# classes. The C++ standard library's and Qt's template instantiations
# (std::..., QtPrivate::...) also appear, since GCC gives those default
# visibility; no helper of ours (SharedChild::Detail, Child::Private, the Qt
# layer's waiter and runs) may.
#   cmake -DNM=... -DLIBRARIES=a.so;b.so -P this
set(public_api
    "SharedChild::(Child|Command|ExitStatus|ExitWatcher|FileDescriptor|ResourceUsage|SpawnError|Stdio)(::|$)"
    "SharedChild::signalName"
    "SharedChild::makePipe"
    "SharedChild::(childrenAreReapedAutomatically|restoreChildSignalDefault)"
    "QMetaType::registerConverterImpl<SharedChildExitStatus,"
    "SharedChildProcess(::|$)"
    "SharedChildExitStatus(::|$)"
    "std::" "__gnu_cxx::" "QtPrivate::")
list(JOIN public_api "|^" allowed)
set(allowed "^${allowed}")

set(leaks "")
foreach(library ${LIBRARIES})
    execute_process(COMMAND ${NM} -D --defined-only -C ${library}
        OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${NM} -D failed on ${library}")
    endif()
    string(REPLACE "\n" ";" lines "${symbols}")
    set(count 0)
    foreach(line IN LISTS lines)
        string(REGEX REPLACE "^[0-9a-f]+ [A-Za-z] " "" name "${line}")
        string(REGEX REPLACE "^(typeinfo name|typeinfo|vtable|VTT|guard variable) for " "" name "${name}")
        if(name STREQUAL "")
            continue()
        endif()
        math(EXPR count "${count} + 1")
        if(NOT name MATCHES "${allowed}")
            string(APPEND leaks "  ${library}: ${name}\n")
        endif()
    endforeach()
    message(STATUS "${library}: ${count} exported symbols")
endforeach()
if(leaks)
    message(FATAL_ERROR "symbols outside the public API are exported:\n${leaks}")
endif()
