# CPack: Debian packages split the way Debian splits a C library.
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DTHREECX_BUILD_BINDINGS=ON
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
# (-DCMAKE_INSTALL_PREFIX=/usr gives GNUInstallDirs' multiarch libdir.)
#
#   component  package              contents
#   lib        libthreecx<ABI>      libthreecx.so.<ABI>*
#   dev        libthreecx-dev       headers, libthreecx.so, libthreecx.a,
#                                   threecx.pc, CMake package, reference
#   tools      threecx-tools        threecx, threecx-sim
#   lua        lua-threecx          Lua 5.4 module      (bindings built)
#   csharp     libthreecx-cil       Mono assembly + glue (bindings built)
#   go         golang-threecx-dev   Go module source    (bindings built)
# Depends: computed by dpkg-shlibdeps for the ELF files, plus the
# inter-package ones below. Written for CMake >= 3.16 (tested with 3.25;
# the < 3.20 shlibdeps fallback was exercised by forcing it on 3.25).

set(CPACK_PACKAGE_NAME threecx)
set(CPACK_PACKAGE_VENDOR "libthreecx")
# Maintainer: override with -DTHREECX_DEB_MAINTAINER="Name <mail>".
set(THREECX_DEB_MAINTAINER "libthreecx maintainers <maintainers@users.noreply.r-seed-65294e82.example>"
    CACHE STRING "Maintainer field of the Debian packages")
set(CPACK_PACKAGE_CONTACT "${THREECX_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB CACHE STRING "CPack generators")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # as Debian ships binaries (RelWithDebInfo builds carry DWARF)
if(THREECX_DEB_HOMEPAGE)  # optional: -DTHREECX_DEB_HOMEPAGE=https://...
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${THREECX_DEB_HOMEPAGE})
endif()
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps has to resolve libthreecx.so.N, which is in none of the
# staged packages but the library's: the build tree holds it. (The variable
# is CMake >= 3.20; older CPack falls back to LD_LIBRARY_PATH, set in
# ThreecxCPackConfig.cmake.)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR})
configure_file(${CMAKE_CURRENT_LIST_DIR}/ThreecxCPackConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ThreecxCPackConfig.cmake @ONLY)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_BINARY_DIR}/ThreecxCPackConfig.cmake)

set(_lib libthreecx${THREECX_ABI_VERSION})
set(_exact "(= ${PROJECT_VERSION})")  # -dev and the library: same build
set(_abi "(>= ${PROJECT_VERSION})")   # users of the ABI (as the shlibs file says)

# threecx_deb(COMPONENT NAME SECTION DEPENDS SUMMARY DESCRIPTION)
# The description's continuation lines start with a space (Debian format;
# CPack < 3.20 copies them verbatim).
macro(threecx_deb comp name section depends summary text)
  string(TOUPPER ${comp} _C)
  set(CPACK_DEBIAN_${_C}_PACKAGE_NAME ${name})
  set(CPACK_DEBIAN_${_C}_PACKAGE_SECTION ${section})
  set(CPACK_DEBIAN_${_C}_PACKAGE_DEPENDS "${depends}")
  set(CPACK_COMPONENT_${_C}_DESCRIPTION "${summary}\n ${text}")
endmacro()

threecx_deb(lib ${_lib} libs ""
  "C client library for the 3CX V20 Configuration API (XAPI)"
  "libthreecx calls every operation of the 3CX XAPI through a C ABI.")
# DEBIAN/shlibs for libthreecx.so.N (packages built against it then depend
# on it); CPack has no per-component switch, the modules without SONAME are
# skipped with a warning.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

threecx_deb(dev libthreecx-dev libdevel
  "${_lib} ${_exact}, libcurl4-openssl-dev | libcurl-dev, libcjson-dev, libssl-dev, pkgconf | pkg-config"
  "C client library for the 3CX XAPI - development files"
  "Headers, the static library, threecx.pc, the CMake package and the XAPI reference.")

threecx_deb(tools threecx-tools net "${_lib} ${_abi}"
  "3CX XAPI command-line tool and simulator"
  "threecx calls any XAPI operation; threecx-sim is a local XAPI server.")

threecx_deb(lua lua-threecx interpreters "${_lib} ${_abi}, lua5.4"
  "3CX XAPI client library - Lua 5.4 module"
  "require \"threecx\": the idiomatic Lua layer over libthreecx.")

threecx_deb(csharp libthreecx-cil cli-mono "${_lib} ${_abi}, mono-runtime"
  "3CX XAPI client library - C# (Mono) assembly"
  "Threecx.dll and its native glue, in /usr/lib/<triplet>/threecx/csharp.")

threecx_deb(go golang-threecx-dev golang "libthreecx-dev ${_exact}, golang-go"
  "3CX XAPI client library - Go module source"
  "The Go module \"threecx\" (cgo), in /usr/share/gocode/src/threecx.")
set(CPACK_DEBIAN_GO_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_GO_PACKAGE_SHLIBDEPS OFF)

include(CPack)
