# SPDX-License-Identifier: MIT
# SharedChild as part of another project's build: configures
# tests/consumer/subproject (which checks that the parent's settings are
# untouched), builds it and runs its two programs.
#   cmake -DSOURCE_DIR=<the tree> -DWORK_DIR=... -DMODE=subdirectory|fetchcontent
#         -DGENERATOR=... -DCXX=... -P this
include(${CMAKE_CURRENT_LIST_DIR}/scripttools.cmake)
require_variables(SOURCE_DIR WORK_DIR MODE GENERATOR CXX)

file(REMOVE_RECURSE ${WORK_DIR})
# The QML module stays out: the parent does not use it, and it takes longest.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/subproject -B ${WORK_DIR} -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} -DSHAREDCHILD_SOURCE_DIR=${SOURCE_DIR} -DMODE=${MODE}
    -DSHAREDCHILD_WITH_QML=OFF)
run(${CMAKE_COMMAND} --build ${WORK_DIR} --parallel 2)
run(${WORK_DIR}/core_consumer)
run(${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen ${WORK_DIR}/qt_consumer)
