# SPDX-License-Identifier: MIT
# Debian packages with CPack's DEB generator, one per install component:
#   core  -> libsharedchild-core1   (libsharedchild-core.so.1)
#   qt    -> libsharedchild-qt6-1   (libsharedchild-qt6.so.1)
#   dev   -> libsharedchild-dev     (headers, CMake package, pkg-config, .so links)
#   qml   -> qml6-module-sharedchild (the QML module, in Qt's own import path)
#   tools -> sharedchild-tools      (sctimeout, sharedchild-monitor)
# The demo (component "demo") and the tests are never packaged.
# scripts/package configures a build for it and runs cpack and lintian.

set(SHAREDCHILD_PACKAGE_MAINTAINER "The SharedChild developers <maintainers@users.noreply.r-seed-399eb845.example>"
    CACHE STRING "Maintainer field of the Debian packages (Name <address>)")
# The project has no web site yet: without one, the packages and the
# copyright file have no Homepage and no Source field (both are optional).
set(SHAREDCHILD_PACKAGE_HOMEPAGE "" CACHE STRING "Homepage field of the Debian packages (empty: none)")
set(SHAREDCHILD_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the packages")

set(SHAREDCHILD_DEB_VERSION ${PROJECT_VERSION}-${SHAREDCHILD_PACKAGE_RELEASE})
set(SHAREDCHILD_SOVERSION ${PROJECT_VERSION_MAJOR})

# Only what this build has: the Qt layer, the QML module and the tools are
# optional (see the top-level CMakeLists.txt).
set(sharedchild_components core dev)
if(TARGET SharedChild)
    list(APPEND sharedchild_components qt)
endif()
if(TARGET sharedchildplugin)
    list(APPEND sharedchild_components qml)
endif()
if(TARGET sctimeout)
    list(APPEND sharedchild_components tools)
endif()

# component -> package name, Section, one-line summary, the longer text.
set(sharedchild_core_package libsharedchild-core${SHAREDCHILD_SOVERSION})
set(sharedchild_core_section libs)
set(sharedchild_core_summary "race-free shared child processes for C++ - core library")
set(sharedchild_core_text
    "Wait on, poll, signal and kill a child process from any thread while\nother threads do the same, with no PID-reuse race (Linux pidfd or\nwaitid(WNOWAIT)). This package holds the Qt-free core library.")
set(sharedchild_qt_package libsharedchild-qt6-${SHAREDCHILD_SOVERSION})
set(sharedchild_qt_section libs)
set(sharedchild_qt_summary "race-free shared child processes for Qt 6 - SharedChildProcess")
set(sharedchild_qt_text
    "The class SharedChildProcess has QProcess's API and behaviour, and on\ntop of it may be waited on, killed and signalled from any thread, with\nno PID-reuse race. This package holds the Qt layer's library.")
set(sharedchild_dev_package libsharedchild-dev)
set(sharedchild_dev_section libdevel)
set(sharedchild_dev_summary "race-free shared child processes for C++ and Qt 6 - development files")
set(sharedchild_dev_text
    "Headers, the CMake package (find_package(SharedChild): SharedChild::Core\nand SharedChild::SharedChild) and the pkg-config files sharedchild-core\nand sharedchild-qt6.")
set(sharedchild_qml_package qml6-module-sharedchild)
set(sharedchild_qml_section libs)
set(sharedchild_qml_summary "race-free shared child processes for Qt 6 - QML module")
set(sharedchild_qml_text
    "The QML module SharedChild 1.0 (import SharedChild): SharedChildProcess\nand its exit status for QML, installed in Qt's own QML import path.")
set(sharedchild_tools_package sharedchild-tools)
set(sharedchild_tools_section utils)
set(sharedchild_tools_summary "race-free shared child processes - sctimeout and a process monitor")
set(sharedchild_tools_text
    "sctimeout behaves like coreutils timeout, built on SharedChild's core.\nsharedchild-monitor is a Qt Quick window that starts commands, watches\nthem and signals them.")

# What dpkg-shlibdeps cannot know: our own packages among themselves (exact
# version), and what the QML side loads at run time rather than links.
set(CPACK_COMPONENT_DEV_DEPENDS core)
if(TARGET SharedChild)
    set(CPACK_COMPONENT_QT_DEPENDS core)
    set(CPACK_COMPONENT_DEV_DEPENDS core qt)
    # The Qt layer's headers include Qt's, and its CMake package finds Qt6Core.
    set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "qt6-base-dev (>= 6.4)")
endif()
set(CPACK_COMPONENT_QML_DEPENDS qt)
set(CPACK_DEBIAN_QML_PACKAGE_DEPENDS "qml6-module-qtqml")
set(CPACK_COMPONENT_TOOLS_DEPENDS core)
if(TARGET sharedchild-monitor)
    # The monitor's QML imports, loaded at run time (QtQuick imports
    # QtQml.WorkerScript, which Debian's qml6-module-qtquick does not depend on).
    set(CPACK_COMPONENT_TOOLS_DEPENDS core qml)
    set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS
        "qml6-module-qtqml, qml6-module-qtqml-workerscript, qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-templates, qml6-module-qtquick-window")
endif()

# Debian wants each package's licence at /usr/share/doc/PACKAGE/copyright in
# the machine-readable format 1.0, and a changelog.Debian.gz beside it.
file(READ ${PROJECT_SOURCE_DIR}/LICENSE licence_text)
string(REGEX REPLACE "^.*Copyright \\(c\\) [^\n]*\n\n" "" licence_body "${licence_text}")
string(REGEX REPLACE "\n+$" "" licence_body "${licence_body}")
string(REGEX REPLACE "\n\n" "\n.\n" licence_body "${licence_body}")
string(REPLACE "\n" "\n " licence_body "${licence_body}")
set(copyright_source "")
if(SHAREDCHILD_PACKAGE_HOMEPAGE)
    set(copyright_source "Source: ${SHAREDCHILD_PACKAGE_HOMEPAGE}\n")
endif()
set(copyright_file ${PROJECT_BINARY_DIR}/debian/copyright)
file(WRITE ${copyright_file}
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: SharedChild
Upstream-Contact: ${SHAREDCHILD_PACKAGE_MAINTAINER}
${copyright_source}
Files: *
Copyright: 2026 The SharedChild developers
License: MIT

License: MIT
 ${licence_body}
")

# The date honours SOURCE_DATE_EPOCH, and gzip -n stores no time stamp, so
# the same tree gives the same packages.
string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
find_program(SHAREDCHILD_GZIP gzip)

# The tools' manual pages, compressed as Debian wants them.
if(SHAREDCHILD_GZIP)
    foreach(program sctimeout sharedchild-monitor)
        if(TARGET ${program})
            get_target_property(program_source_dir ${program} SOURCE_DIR)
            set(page ${PROJECT_BINARY_DIR}/man/${program}.1)
            configure_file(${program_source_dir}/${program}.1 ${page} COPYONLY)
            execute_process(COMMAND ${SHAREDCHILD_GZIP} -9nf ${page} COMMAND_ERROR_IS_FATAL ANY)
            install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
        endif()
    endforeach()
endif()
foreach(component IN LISTS sharedchild_components)
    set(package ${sharedchild_${component}_package})
    set(doc_dir ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package})
    install(FILES ${copyright_file} DESTINATION ${doc_dir} COMPONENT ${component})
    if(SHAREDCHILD_GZIP)
        set(changelog ${PROJECT_BINARY_DIR}/debian/${package}/changelog.Debian)
        file(WRITE ${changelog}
"${package} (${SHAREDCHILD_DEB_VERSION}) unstable; urgency=medium

  * Built from the SharedChild source tree by CPack (scripts/package).

 -- ${SHAREDCHILD_PACKAGE_MAINTAINER}  ${changelog_date}
")
        execute_process(COMMAND ${SHAREDCHILD_GZIP} -9nf ${changelog} COMMAND_ERROR_IS_FATAL ANY)
        install(FILES ${changelog}.gz DESTINATION ${doc_dir} COMPONENT ${component})
    endif()

    string(TOUPPER ${component} upper)
    set(CPACK_DEBIAN_${upper}_PACKAGE_NAME ${package})
    set(CPACK_DEBIAN_${upper}_PACKAGE_SECTION ${sharedchild_${component}_section})
    set(CPACK_COMPONENT_${upper}_DESCRIPTION
        "${sharedchild_${component}_summary}\n${sharedchild_${component}_text}")
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sharedchild)
set(CPACK_PACKAGE_VENDOR "The SharedChild developers")
# Defined but empty: CPack would otherwise put the project's description
# above each component's own synopsis line.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGE_CONTACT ${SHAREDCHILD_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${sharedchild_components})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${SHAREDCHILD_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${SHAREDCHILD_PACKAGE_MAINTAINER})
if(SHAREDCHILD_PACKAGE_HOMEPAGE)
    set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${SHAREDCHILD_PACKAGE_HOMEPAGE})
endif()
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
# dpkg-shlibdeps reads the ELF files for the Depends on libc, libstdc++ and
# Qt's runtime libraries. It must also find our own libraries, which no
# installed package holds yet: the build tree's copies (it adds nothing for
# them; the component dependencies above do).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src/core ${PROJECT_BINARY_DIR}/src/qt)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# The runtime libraries need ldconfig run after they change: Debian does it
# with a trigger (CPack 3.25 also writes a postinst and postrm calling
# ldconfig, which lintian warns about as redundant).
file(WRITE ${PROJECT_BINARY_DIR}/debian/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_CORE_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/triggers)
set(CPACK_DEBIAN_QT_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/triggers)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
include(CPack)
