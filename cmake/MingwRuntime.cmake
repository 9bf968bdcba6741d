# SPDX-License-Identifier: MIT
# Copies the DLLs of the mingw-w64 runtime (libstdc++, libgcc, winpthread)
# next to the programs of the build, where Windows looks for them first, so
# that the tests run under Wine without further setup. The runtime is linked
# dynamically on purpose: the library and its users must share one libstdc++,
# or an exception thrown by one would carry an std::error_category the other
# does not recognise.
foreach(runtime_dll libstdc++-6.dll libgcc_s_seh-1.dll libwinpthread-1.dll)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${runtime_dll}
        OUTPUT_VARIABLE runtime_path OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT IS_ABSOLUTE "${runtime_path}" OR NOT EXISTS "${runtime_path}")
        message(FATAL_ERROR "The mingw-w64 runtime ${runtime_dll} was not found")
    endif()
    file(COPY ${runtime_path} DESTINATION ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
endforeach()
