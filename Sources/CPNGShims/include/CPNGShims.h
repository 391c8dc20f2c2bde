#ifndef CPNGSHIMS_H
#define CPNGSHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Transformations a reader applies while decoding (bit flags).
enum {
    /// Drop an alpha channel.
    CPNGShims_stripAlpha = 1,
    /// Replicate grey into R, G and B.
    CPNGShims_grayToRGB = 2,
    /// Scale 16-bit samples down to 8 bits.
    CPNGShims_scale16To8 = 4,
    /// Read the image data with libpng's own row reader even where the direct reader would
    /// (for tests and benchmarks that compare the two).
    CPNGShims_libpngRows = 8,
};

/// The shape of the pixels a reader will deliver, after its transformations.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (palette images arrive as RGB or RGBA).
    int32_t channels;
    /// 8 or 16; 16-bit samples arrive in host byte order.
    int32_t bitDepth;
    /// The bit depth stored in the file, before any expansion.
    int32_t fileBitDepth;
    /// libpng's colour type as stored in the file.
    int32_t fileColorType;
    size_t rowBytes;
} CPNGShims_Info;

typedef struct CPNGShims_Reader CPNGShims_Reader;

/// Parses the header of the PNG in `data` (which must outlive the reader).
/// Returns a reader, or NULL with a NUL-terminated reason in `error`.
/// Images wider than `maxWidth` or taller than `maxHeight` are rejected before any pixel memory is used.
CPNGShims_Reader *_Nullable CPNGShims_openReader(const uint8_t *_Nonnull data, size_t size,
                                                  uint32_t maxWidth, uint32_t maxHeight, int32_t transforms,
                                                  CPNGShims_Info *_Nonnull info,
                                                  char *_Nonnull error, size_t errorCapacity);

/// Decodes every row into `pixels` (rows `info.rowBytes` apart; `capacity` bytes in all).
/// Returns 0, or -1 with a reason in `error` (truncated or corrupt data).
int32_t CPNGShims_readPixels(CPNGShims_Reader *_Nonnull reader, uint8_t *_Nonnull pixels, size_t capacity,
                             char *_Nonnull error, size_t errorCapacity);

/// 1 when the reader decodes the image data itself (8/16-bit grey, grey+alpha, RGB or RGBA, not
/// interlaced, no tRNS), 0 when libpng's row reader does; both give the same pixels.
int32_t CPNGShims_decodesDirectly(const CPNGShims_Reader *_Nonnull reader);

/// Frees a reader.
void CPNGShims_closeReader(CPNGShims_Reader *_Nullable reader);

/// A growable byte buffer filled by the encoder; free it with CPNGShims_freeBuffer.
typedef struct {
    uint8_t *_Nullable bytes;
    size_t count;
    size_t capacity;
} CPNGShims_Buffer;

/// PNG row filters (libpng's PNG_FILTER_* bits), for `filters` below.
enum {
    CPNGShims_filterNone = 0x08,
    CPNGShims_filterSub = 0x10,
    CPNGShims_filterUp = 0x20,
    CPNGShims_filterAvg = 0x40,
    CPNGShims_filterPaeth = 0x80,
};

/// Encodes pixels (`channels` 1–4, `bitDepth` 8 or 16 with host-order samples) as a PNG without
/// ancillary chunks. `level` is zlib's 0–9, `filters` a set of filter bits, `strategy` zlib's
/// (0 default, 1 filtered, 2 huffman-only, 3 RLE). Returns 0, or -1 with a reason in `error`.
int32_t CPNGShims_encode(const uint8_t *_Nonnull pixels, uint32_t width, uint32_t height, size_t stride,
                         int32_t channels, int32_t bitDepth, int32_t level, int32_t filters, int32_t strategy,
                         CPNGShims_Buffer *_Nonnull output, char *_Nonnull error, size_t errorCapacity);

/// Frees the bytes of a buffer filled by CPNGShims_encode.
void CPNGShims_freeBuffer(CPNGShims_Buffer *_Nonnull buffer);

#ifdef __cplusplus
}
#endif

#endif
