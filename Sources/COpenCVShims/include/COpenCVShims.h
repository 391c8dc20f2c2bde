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

/// 3×3 median of a float image (row-major, `width`·`height` values), from `source` into `destination`.
int32_t COpenCVShims_medianBlur3f(const float *_Nonnull source, float *_Nonnull destination, int32_t width, int32_t height,
                                  char *_Nonnull error, size_t errorCapacity);

/// Keeps, of the 8-connected regions of non-zero pixels in the one-channel `mask`, those of at least
/// `minArea` pixels whose bounding box is at least `minHeight` rows tall (set to 1), and clears the
/// rest (set to 0); the number kept goes to `kept`.
int32_t COpenCVShims_keepLargeComponents(COpenCVShims_Image8 mask, int32_t minArea, int32_t minHeight, int32_t *_Nonnull kept,
                                         char *_Nonnull error, size_t errorCapacity);

/// A detected rectangle with a confidence.
typedef struct {
    float x0, y0, x1, y1;
    float score;
} COpenCVShims_Box;

/// An OpenCV Haar or LBP cascade classifier. Not safe for concurrent use: one per thread.
typedef struct COpenCVShims_Cascade COpenCVShims_Cascade;

/// Loads a cascade XML file; NULL with a reason in `error` when it cannot.
COpenCVShims_Cascade *_Nullable COpenCVShims_loadCascade(const char *_Nonnull path, char *_Nonnull error, size_t errorCapacity);

void COpenCVShims_freeCascade(COpenCVShims_Cascade *_Nullable cascade);

/// Runs a cascade over an RGB image (converted to equalised grey inside); writes up to `capacity`
/// boxes and their number to `count` (score = 1).
int32_t COpenCVShims_detectCascade(COpenCVShims_Cascade *_Nonnull cascade, COpenCVShims_Image8 image, double scaleFactor,
                                   int32_t minNeighbors, int32_t minSize, COpenCVShims_Box *_Nonnull boxes,
                                   int32_t capacity, int32_t *_Nonnull count, char *_Nonnull error, size_t errorCapacity);

/// A CenterFace network (ONNX, through cv::dnn) at one fixed input size: OpenCV 4.6 returns
/// garbage when one net sees changing input sizes, so a net is bound to the size it was made for.
/// Not safe for concurrent use: one per thread.
typedef struct COpenCVShims_CenterFace COpenCVShims_CenterFace;

/// Loads the ONNX model for frames of `width`×`height`; NULL with a reason in `error`.
COpenCVShims_CenterFace *_Nullable COpenCVShims_loadCenterFace(const char *_Nonnull path, int32_t width, int32_t height,
                                                             char *_Nonnull error, size_t errorCapacity);

void COpenCVShims_freeCenterFace(COpenCVShims_CenterFace *_Nullable net);

/// Finds faces in an RGB image of the size the net was made for; boxes above `threshold` after
/// non-maximum suppression, in image pixels.
int32_t COpenCVShims_detectCenterFace(COpenCVShims_CenterFace *_Nonnull net, COpenCVShims_Image8 image, float threshold,
                                      COpenCVShims_Box *_Nonnull boxes, int32_t capacity, int32_t *_Nonnull count,
                                      char *_Nonnull error, size_t errorCapacity);

/// The score of OpenCV's default HOG people detector (Dalal–Triggs linear SVM) on the window
/// (x, y, w, h) of an RGB image, resampled to the detector's 64×128; parts outside the image are
/// replicated from its border. Positive scores mean "person". Thread-safe.
int32_t COpenCVShims_hogPersonScore(COpenCVShims_Image8 image, int32_t x, int32_t y, int32_t w, int32_t h,
                                    float *_Nonnull score, char *_Nonnull error, size_t errorCapacity);

#ifdef __cplusplus
}
#endif

#endif
