// Shared by the shim's .cpp files: wrapping Veil's pixel views as cv::Mat without copying, and
// turning any C++ exception into a status and a message, because an exception must never unwind
// through Swift frames.
#pragma once

#include "COpenCVShims.h"

#include <cstdio>
#include <exception>
#include <opencv2/core.hpp>

namespace veil {

inline cv::Mat wrap(const COpenCVShims_Image8 &image) {
    return cv::Mat(image.height, image.width, CV_8UC(image.channels), image.pixels, image.stride);
}

/// Runs `body`; returns 0, or -1 with the exception's message in `error`.
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

}  // namespace veil
