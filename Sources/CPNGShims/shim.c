// libpng reports errors by longjmp out of the failing call. Swift frames must never be jumped over,
// so every libpng call lives here, each behind its own setjmp, and errors come back as statuses.
#include "CPNGShims.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct CPNGShims_Reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    uint32_t height;
    size_t rowBytes;
    char message[256];
};

static void copyMessage(char *dst, size_t capacity, const char *src) {
    if (capacity == 0) return;
    snprintf(dst, capacity, "%s", src ? src : "unknown libpng error");
}

static void onError(png_structp png, png_const_charp message) {
    char *buffer = (char *)png_get_error_ptr(png);
    if (buffer) copyMessage(buffer, 256, message);
    png_longjmp(png, 1);
}

// Warnings (a bad CRC in an ancillary chunk, say) are not failures; libpng would print them to stderr.
static void onWarning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void readFromMemory(png_structp png, png_bytep out, size_t length) {
    CPNGShims_Reader *reader = (CPNGShims_Reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "file is truncated");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

CPNGShims_Reader *CPNGShims_openReader(const uint8_t *data, size_t size, uint32_t maxWidth, uint32_t maxHeight,
                                       int32_t transforms, CPNGShims_Info *info, char *error,
                                       size_t errorCapacity) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        copyMessage(error, errorCapacity, size == 0 ? "file is empty" : "not a PNG file (bad signature)");
        return NULL;
    }
    CPNGShims_Reader *reader = calloc(1, sizeof(CPNGShims_Reader));
    if (!reader) {
        copyMessage(error, errorCapacity, "out of memory");
        return NULL;
    }
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader->message, onError, onWarning);
    if (!reader->png) {
        free(reader);
        copyMessage(error, errorCapacity, "libpng could not start");
        return NULL;
    }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info || setjmp(png_jmpbuf(reader->png))) {
        copyMessage(error, errorCapacity, reader->message[0] ? reader->message : "cannot read PNG header");
        CPNGShims_closeReader(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, readFromMemory);
    png_set_user_limits(reader->png, maxWidth, maxHeight);
#ifdef PNG_IGNORE_ADLER32
    // Every IDAT chunk's CRC is still checked, and it covers the same compressed bytes as zlib's
    // Adler-32; skipping the second checksum saves ~4% of a run's CPU. Corrupt data still fails.
    png_set_option(reader->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    png_read_info(reader->png, reader->info);

    int colorType = png_get_color_type(reader->png, reader->info);
    int bitDepth = png_get_bit_depth(reader->png, reader->info);
    info->fileColorType = colorType;
    info->fileBitDepth = bitDepth;
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader->png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(reader->png);
    if (png_get_valid(reader->png, reader->info, PNG_INFO_tRNS)) {
        if (transforms & CPNGShims_stripAlpha) {
            // Transparency keyed to one colour carries no pixel data: ignore it.
        } else {
            png_set_tRNS_to_alpha(reader->png);
        }
    }
    if (transforms & CPNGShims_stripAlpha) png_set_strip_alpha(reader->png);
    if ((transforms & CPNGShims_grayToRGB) &&
        (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA)) {
        png_set_gray_to_rgb(reader->png);
    }
    if (bitDepth == 16) {
        if (transforms & CPNGShims_scale16To8) {
            png_set_scale_16(reader->png);
        } else {
            const uint16_t probe = 1;
            if (*(const uint8_t *)&probe == 1) png_set_swap(reader->png);  // PNG is big-endian
        }
    }
    png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);

    info->width = png_get_image_width(reader->png, reader->info);
    info->height = png_get_image_height(reader->png, reader->info);
    info->channels = png_get_channels(reader->png, reader->info);
    info->bitDepth = png_get_bit_depth(reader->png, reader->info);
    info->rowBytes = png_get_rowbytes(reader->png, reader->info);
    reader->height = info->height;
    reader->rowBytes = info->rowBytes;
    return reader;
}

int32_t CPNGShims_readPixels(CPNGShims_Reader *reader, uint8_t *pixels, size_t capacity, char *error,
                             size_t errorCapacity) {
    if (capacity < reader->rowBytes * reader->height) {
        copyMessage(error, errorCapacity, "pixel buffer too small");
        return -1;
    }
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * (reader->height ? reader->height : 1));
    if (!rows) {
        copyMessage(error, errorCapacity, "out of memory");
        return -1;
    }
    for (uint32_t y = 0; y < reader->height; y++) rows[y] = pixels + (size_t)y * reader->rowBytes;
    if (setjmp(png_jmpbuf(reader->png))) {
        copyMessage(error, errorCapacity, reader->message[0] ? reader->message : "cannot decode PNG pixels");
        free(rows);
        return -1;
    }
    png_read_image(reader->png, rows);
    // The chunks after the image data (text, time) are not needed and are not read: a file cut
    // after its last pixel still decodes completely.
    free(rows);
    return 0;
}

void CPNGShims_closeReader(CPNGShims_Reader *reader) {
    if (!reader) return;
    png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    free(reader);
}

typedef struct {
    CPNGShims_Buffer *buffer;
    int failed;
} WriteTarget;

static void writeToMemory(png_structp png, png_bytep bytes, size_t length) {
    WriteTarget *target = (WriteTarget *)png_get_io_ptr(png);
    CPNGShims_Buffer *buffer = target->buffer;
    if (buffer->count + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity < buffer->count + length) capacity *= 2;
        uint8_t *grown = realloc(buffer->bytes, capacity);
        if (!grown) png_error(png, "out of memory");
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->count, bytes, length);
    buffer->count += length;
}

static void flushNothing(png_structp png) { (void)png; }

int32_t CPNGShims_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride, int32_t channels,
                         int32_t bitDepth, int32_t level, int32_t filters, int32_t strategy,
                         CPNGShims_Buffer *output, char *error, size_t errorCapacity) {
    static const int colorTypes[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                      PNG_COLOR_TYPE_RGBA};
    if (channels < 1 || channels > 4 || (bitDepth != 8 && bitDepth != 16) || width == 0 || height == 0) {
        copyMessage(error, errorCapacity, "unsupported image shape for PNG");
        return -1;
    }
    if (stride < (size_t)width * channels * (bitDepth / 8)) {
        copyMessage(error, errorCapacity, "row stride shorter than a row");
        return -1;
    }
    char message[256] = {0};
    output->bytes = NULL;
    output->count = 0;
    output->capacity = 0;
    WriteTarget target = {output, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, message, onError, onWarning);
    if (!png) {
        copyMessage(error, errorCapacity, "libpng could not start");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * height);
    if (!info || !rows || setjmp(png_jmpbuf(png))) {
        copyMessage(error, errorCapacity, message[0] ? message : "cannot encode PNG");
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(rows);
        CPNGShims_freeBuffer(output);
        return -1;
    }
    png_set_write_fn(png, &target, writeToMemory, flushNothing);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, width, height, bitDepth, colorTypes[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    if (bitDepth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(png);
    }
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * stride);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return 0;
}

void CPNGShims_freeBuffer(CPNGShims_Buffer *buffer) {
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}
