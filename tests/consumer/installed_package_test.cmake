# SPDX-License-Identifier: MIT
# The installed package, seen from outside: `cmake --install` of the build tree
# into a scratch prefix, then
# - the files a user needs are there (headers, export headers, CMake package
#   files, pkg-config file; the QML module and examples when they were built);
# - tests/consumer, a separate project, configures with CMAKE_PREFIX_PATH set
#   to the prefix alone, builds, and its programs run;
# - a program compiled with `pkg-config --cflags --libs sharedchild-core` runs.
#   cmake -DBUILD_DIR=... -DPREFIX=... -DWORK_DIR=... -DSOURCE_DIR=...
#         -DGENERATOR=... -DCXX=... -DPKG_CONFIG=... -DLIBDIR=... -DINCLUDEDIR=...
#         -DEXPECT_QT=ON|OFF -DQML_DIR=...|"" -DEXPECT_EXAMPLES=ON|OFF -P this
include(${CMAKE_CURRENT_LIST_DIR}/scripttools.cmake)
require_variables(BUILD_DIR PREFIX WORK_DIR SOURCE_DIR GENERATOR CXX PKG_CONFIG LIBDIR INCLUDEDIR
                  EXPECT_QT EXPECT_EXAMPLES)

file(REMOVE_RECURSE ${PREFIX} ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})

set(expected
    ${INCLUDEDIR}/sharedchild/child.h
    ${INCLUDEDIR}/sharedchild/sharedchild_core_export.h
    ${LIBDIR}/cmake/SharedChild/SharedChildConfig.cmake
    ${LIBDIR}/cmake/SharedChild/SharedChildConfigVersion.cmake
    ${LIBDIR}/cmake/SharedChild/SharedChildTargets.cmake
    ${LIBDIR}/pkgconfig/sharedchild-core.pc)
if(EXPECT_QT)
    list(APPEND expected ${INCLUDEDIR}/sharedchild/sharedchildprocess.h
                         ${INCLUDEDIR}/sharedchild/sharedchild_export.h)
endif()
if(QML_DIR)
    list(APPEND expected ${QML_DIR}/SharedChild/qmldir)
endif()
if(EXPECT_EXAMPLES)
    list(APPEND expected bin/killwait)
endif()
foreach(file ${expected})
    if(NOT EXISTS ${PREFIX}/${file})
        message(FATAL_ERROR "not installed: ${file}")
    endif()
endforeach()

# CMake: the consumer project against this prefix only.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/cmake -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${PREFIX} -DEXPECT_QT=${EXPECT_QT})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake)
run(${WORK_DIR}/cmake/core_consumer)
if(EXPECT_QT)
    run(${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${WORK_DIR}/cmake/qt_consumer)
endif()

# pkg-config: flags from the installed .pc file, a program built with them.
set(ENV{PKG_CONFIG_PATH} ${PREFIX}/${LIBDIR}/pkgconfig)
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs sharedchild-core
    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "pkg-config --cflags --libs sharedchild-core failed")
endif()
message(STATUS "pkg-config --cflags --libs sharedchild-core: ${flags}")
execute_process(COMMAND ${PKG_CONFIG} --variable=libdir sharedchild-core
    OUTPUT_VARIABLE libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CXX} -std=c++20 ${SOURCE_DIR}/pkgconfig_consumer.cpp ${flags}
    -o ${WORK_DIR}/pkgconfig_consumer)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${WORK_DIR}/pkgconfig_consumer)
