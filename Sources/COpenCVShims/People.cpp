// OpenCV's HOG people detector, scored on one window at the scale depth predicts (a full-frame
// pyramid costs ~140 ms a frame). Exceptions become statuses: C++ must never unwind through Swift.
#include "COpenCVShims.h"
#include "Guarded.hpp"

#include <cstdio>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <vector>

namespace {

struct Detector {
    cv::HOGDescriptor hog;
    std::vector<float> weights;
    Detector() : hog(cv::Size(64, 128), cv::Size(16, 16), cv::Size(8, 8), cv::Size(8, 8), 9) {
        weights = cv::HOGDescriptor::getDefaultPeopleDetector();
    }
};

const Detector &detector() {
    static const Detector instance;  // thread-safe initialisation (C++11)
    return instance;
}

}  // namespace

extern "C" int32_t COpenCVShims_hogPersonScore(COpenCVShims_Image8 image, int32_t x, int32_t y, int32_t w, int32_t h,
                                               float *score, char *error, size_t errorCapacity) {
    return veil::guarded(error, errorCapacity, [&] {
        CV_Assert(image.channels == 3 && w > 0 && h > 0);
        cv::Mat frame = veil::wrap(image);
        // Pad so the window may reach past the frame.
        const int left = std::max(0, -x), top = std::max(0, -y);
        const int right = std::max(0, x + w - image.width), bottom = std::max(0, y + h - image.height);
        cv::Rect inside(std::max(0, x), std::max(0, y), w - left - right, h - top - bottom);
        CV_Assert(inside.width > 0 && inside.height > 0);
        cv::Mat window;
        cv::copyMakeBorder(frame(inside), window, top, bottom, left, right, cv::BORDER_REPLICATE);
        cv::Mat grey, resized;
        cv::cvtColor(window, grey, cv::COLOR_RGB2GRAY);
        cv::resize(grey, resized, cv::Size(64, 128), 0, 0, cv::INTER_AREA);
        const Detector &d = detector();
        std::vector<float> descriptor;
        d.hog.compute(resized, descriptor);
        CV_Assert(descriptor.size() + 1 == d.weights.size());
        double sum = d.weights.back();
        for (size_t i = 0; i < descriptor.size(); i++) sum += descriptor[i] * d.weights[i];
        *score = (float)sum;
    });
}
