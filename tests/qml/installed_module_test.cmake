# SPDX-License-Identifier: MIT
# Installs the build into a scratch prefix and runs the QML tests against the
# installed module alone, which checks the import directory, the qmldir and
# the plugin's RPATH (no LD_LIBRARY_PATH helps it find libsharedchild-qt6).
#   cmake -DBUILD_DIR=... -DPREFIX=... -DQML_DIR=... -DQMLTESTRUNNER=... -DTESTS=... -P this
foreach(variable BUILD_DIR PREFIX QML_DIR QMLTESTRUNNER TESTS)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "${variable} is not set")
    endif()
endforeach()

file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
    OUTPUT_QUIET RESULT_VARIABLE installed)
if(NOT installed EQUAL 0)
    message(FATAL_ERROR "cmake --install failed (${installed})")
endif()
if(NOT EXISTS ${PREFIX}/${QML_DIR}/SharedChild/qmldir)
    message(FATAL_ERROR "no qmldir under ${PREFIX}/${QML_DIR}/SharedChild")
endif()

file(MAKE_DIRECTORY ${PREFIX}/work)
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH --unset=QML_IMPORT_PATH
            ${QMLTESTRUNNER} -import ${PREFIX}/${QML_DIR} -input ${TESTS}
    WORKING_DIRECTORY ${PREFIX}/work
    RESULT_VARIABLE tested)
if(NOT tested EQUAL 0)
    message(FATAL_ERROR "qmltestrunner against the installed module failed (${tested})")
endif()
