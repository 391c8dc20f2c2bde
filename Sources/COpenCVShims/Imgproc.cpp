// Image processing calls; each one catches what OpenCV throws and returns a status instead,
// because a C++ exception unwinding through Swift frames is undefined behaviour.
#include "COpenCVShims.h"

#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace {

cv::Mat wrap(const COpenCVShims_Image8 &image) {
    return cv::Mat(image.height, image.width, CV_8UC(image.channels), image.pixels, image.stride);
}

template <typename Body> int32_t guarded(char *error, size_t capacity, Body body) {
    try {
        body();
        return 0;
    } catch (const cv::Exception &e) {
        std::snprintf(error, capacity, "OpenCV: %s", e.what());
    } catch (const std::exception &e) {
        std::snprintf(error, capacity, "%s", e.what());
    } catch (...) {
        std::snprintf(error, capacity, "unknown C++ exception");
    }
    return -1;
}

}  // namespace

extern "C" void COpenCVShims_version(char *out, size_t capacity) {
    std::snprintf(out, capacity, "%s", CV_VERSION);
}

extern "C" int32_t COpenCVShims_resize(COpenCVShims_Image8 source, COpenCVShims_Image8 destination,
                                       int32_t interpolation, char *error, size_t errorCapacity) {
    return guarded(error, errorCapacity, [&] {
        CV_Assert(source.channels == destination.channels);
        cv::Mat dst = wrap(destination);
        cv::resize(wrap(source), dst, dst.size(), 0, 0, interpolation);
    });
}

extern "C" int32_t COpenCVShims_gaussianBlurRect(COpenCVShims_Image8 image, int32_t x, int32_t y, int32_t w,
                                                 int32_t h, double sigma, char *error, size_t errorCapacity) {
    return guarded(error, errorCapacity, [&] {
        cv::Mat roi = wrap(image)(cv::Rect(x, y, w, h));
        cv::GaussianBlur(roi, roi, cv::Size(0, 0), sigma, sigma, cv::BORDER_REPLICATE);
    });
}
