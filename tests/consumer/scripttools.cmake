# SPDX-License-Identifier: MIT
# Shared by the package test scripts (cmake -P): the variables a script needs,
# and run(), which fails the script when a command fails.

function(require_variables)
    foreach(variable ${ARGN})
        if(NOT DEFINED ${variable})
            message(FATAL_ERROR "${variable} is not set")
        endif()
    endforeach()
endfunction()

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        string(REPLACE ";" " " command "${ARGN}")
        message(FATAL_ERROR "failed (${result}): ${command}")
    endif()
endfunction()
