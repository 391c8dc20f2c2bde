#ifndef COPENCVSHIMS_H
#define COPENCVSHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Plain C over the OpenCV C++ calls Veil needs. Only the .cpp files include OpenCV. Every function
// catches every exception (cv::Exception and anything else) and returns 0, or -1 with a
// NUL-terminated reason in `error`.

/// A view of packed 8-bit pixels that OpenCV reads or writes in place.
typedef struct {
    uint8_t *_Nonnull pixels;
    int32_t width;
    int32_t height;
    int32_t channels;
    size_t stride;
} COpenCVShims_Image8;

/// Writes OpenCV's version string ("4.6.0") into `out`.
void COpenCVShims_version(char *_Nonnull out, size_t capacity);

/// Resizes `source` into `destination` (whose size is the target size); `interpolation` is
/// OpenCV's flag (0 nearest, 1 linear, 2 cubic, 3 area).
int32_t COpenCVShims_resize(COpenCVShims_Image8 source, COpenCVShims_Image8 destination, int32_t interpolation,
                            char *_Nonnull error, size_t errorCapacity);

/// Gaussian-blurs the rectangle (x, y, w, h) of `image` in place with standard deviation `sigma`.
int32_t COpenCVShims_gaussianBlurRect(COpenCVShims_Image8 image, int32_t x, int32_t y, int32_t w, int32_t h,
                                      double sigma, char *_Nonnull error, size_t errorCapacity);

#ifdef __cplusplus
}
#endif

#endif
