/* Symbol export for libthreecx. Part of the public ABI headers. */
#ifndef THREECX_EXPORT_H
#define THREECX_EXPORT_H

#if defined(THREECX_STATIC)
#define THREECX_API
#elif defined(_WIN32)
#if defined(THREECX_BUILDING)
#define THREECX_API __declspec(dllexport)
#else
#define THREECX_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define THREECX_API __attribute__((visibility("default")))
#else
#define THREECX_API
#endif

#endif /* THREECX_EXPORT_H */
