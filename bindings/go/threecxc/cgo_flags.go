package threecxc

// The installed libthreecx is found with pkg-config (threecx.pc): set
// PKG_CONFIG_PATH=<prefix>/lib/pkgconfig for a prefix outside its path.

// #cgo pkg-config: threecx
import "C"
