"""Tests of record_carla.py that need neither the carla module nor a server."""
import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import record_carla  # noqa: E402


class ArgumentTests(unittest.TestCase):
    def test_defaults(self):
        args = record_carla.parse_args(["out"])
        self.assertEqual((args.width, args.height, args.fov, args.frames), (1280, 720, 90.0, 200))
        self.assertEqual(args.mount_xyz, (1.5, 0.0, 2.0))

    def test_bad_values_exit_with_a_message(self):
        for argv in (["out", "--size", "wide"], ["out", "--frames", "0"], ["out", "--fov", "200"],
                     ["out", "--mount", "1,2"], ["out", "--walkers", "-1"], []):
            stderr = io.StringIO()
            with self.assertRaises(SystemExit) as raised, contextlib.redirect_stderr(stderr):
                record_carla.parse_args(argv)
            self.assertEqual(raised.exception.code, 2)
            self.assertIn("error", stderr.getvalue())

    def test_without_carla_it_says_so(self):
        if "carla" in sys.modules:
            self.skipTest("carla is installed")
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            self.assertEqual(record_carla.main(["out"]), 1)
        self.assertIn("carla", stderr.getvalue())


class NamingTests(unittest.TestCase):
    def test_frames_are_six_digit_pngs_per_stream(self):
        self.assertEqual(record_carla.frame_path("rec", "rgb", 42), os.path.join("rec", "rgb", "000042.png"))
        self.assertEqual(record_carla.frame_path("rec", "depth", 1234567), os.path.join("rec", "depth", "1234567.png"))
        with self.assertRaises(ValueError):
            record_carla.frame_path("rec", "lidar", 1)

    def test_camera_json_has_what_veil_reads(self):
        args = record_carla.parse_args(["out", "--size", "800x600", "--fov", "110"])
        self.assertEqual(record_carla.camera_json(args, "0.9.15"),
                         {"fov": 110.0, "width": 800, "height": 600, "carla_version": "0.9.15", "depth": "carla-raw"})


if __name__ == "__main__":
    unittest.main()
