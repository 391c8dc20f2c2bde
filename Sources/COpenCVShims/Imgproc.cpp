// Image processing calls; each one catches what OpenCV throws and returns a status instead,
// because a C++ exception unwinding through Swift frames is undefined behaviour.
#include "COpenCVShims.h"
#include "Guarded.hpp"

#include <cstdio>
#include <vector>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

using veil::guarded;
using veil::wrap;

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

extern "C" int32_t COpenCVShims_medianBlur3f(const float *source, float *destination, int32_t width, int32_t height,
                                             char *error, size_t errorCapacity) {
    return guarded(error, errorCapacity, [&] {
        const cv::Mat in(height, width, CV_32FC1, const_cast<float *>(source));
        cv::Mat out(height, width, CV_32FC1, destination);
        cv::medianBlur(in, out, 3);
    });
}

extern "C" int32_t COpenCVShims_keepLargeComponents(COpenCVShims_Image8 mask, int32_t minArea, int32_t minHeight,
                                                    int32_t *kept, char *error, size_t errorCapacity) {
    return guarded(error, errorCapacity, [&] {
        CV_Assert(mask.channels == 1);
        cv::Mat bits = wrap(mask);
        cv::Mat labels, stats, centroids;
        const int count = cv::connectedComponentsWithStats(bits, labels, stats, centroids, 8, CV_32S);
        std::vector<uint8_t> keep(static_cast<size_t>(count), 0);
        int32_t n = 0;
        for (int label = 1; label < count; ++label) {
            if (stats.at<int>(label, cv::CC_STAT_AREA) >= minArea && stats.at<int>(label, cv::CC_STAT_HEIGHT) >= minHeight) {
                keep[static_cast<size_t>(label)] = 1;
                ++n;
            }
        }
        for (int y = 0; y < bits.rows; ++y) {
            const int32_t *label = labels.ptr<int32_t>(y);
            uint8_t *row = bits.ptr<uint8_t>(y);
            for (int x = 0; x < bits.cols; ++x) row[x] = keep[static_cast<size_t>(label[x])];
        }
        *kept = n;
    });
}
