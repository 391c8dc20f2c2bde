#!/usr/bin/env python3
"""Record a sequence from a running CARLA server into the folder layout Veil reads.

RGB, raw depth, raw semantic segmentation and (CARLA 0.9.14+) instance segmentation cameras share
one mount on an ego vehicle; the world runs in synchronous mode at 20 Hz, so every tick yields one
frame of each, saved with ``carla.Image.save_to_disk`` as ``rgb/NNNNNN.png``, ``depth/NNNNNN.png``,
``semantic/NNNNNN.png`` and ``instance/NNNNNN.png``, plus ``camera.json`` (fov, width, height,
carla_version). Frame numbers are CARLA's own, so gaps from dropped ticks stay visible.

It needs the ``carla`` Python module and a server (which needs a GPU). Argument handling and file
naming are importable and tested without either (Scripts/test_record_carla.py).
"""
import argparse
import json
import os
import queue
import random
import sys

STREAMS = ("rgb", "depth", "semantic", "instance")
BLUEPRINTS = {
    "rgb": "sensor.camera.rgb",
    "depth": "sensor.camera.depth",
    "semantic": "sensor.camera.semantic_segmentation",
    "instance": "sensor.camera.instance_segmentation",
}


def parse_args(argv=None):
    """Parses and checks the command line; errors exit with status 2 and a message."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="folder to write (created)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2000)
    parser.add_argument("--frames", type=int, default=200, help="ticks to record (20 per second)")
    parser.add_argument("--size", default="1280x720", help="camera resolution WxH")
    parser.add_argument("--fov", type=float, default=90.0, help="horizontal field of view, degrees")
    parser.add_argument("--walkers", type=int, default=40, help="pedestrians to spawn")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mount", default="1.5,0,2.0", help="camera position x,y,z on the vehicle, metres")
    parser.add_argument("--town", default=None, help="map to load, e.g. Town10HD (default: the current one)")
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size takes WxH, like 1280x720, not {args.size!r}")
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        parser.error("--size must be between 16x16 and 8192x8192")
    if args.frames < 1:
        parser.error("--frames must be at least 1")
    if not 0 < args.fov < 180:
        parser.error("--fov must be between 0 and 180 degrees")
    if args.walkers < 0:
        parser.error("--walkers must not be negative")
    try:
        mount = tuple(float(v) for v in args.mount.split(","))
        assert len(mount) == 3
    except (ValueError, AssertionError):
        parser.error(f"--mount takes x,y,z in metres, not {args.mount!r}")
    args.width, args.height, args.mount_xyz = width, height, mount
    return args


def frame_path(output, stream, frame):
    """Where one stream's image of one frame goes: OUTPUT/STREAM/NNNNNN.png (six digits at least)."""
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}")
    return os.path.join(output, stream, f"{int(frame):06d}.png")


def camera_json(args, carla_version):
    """The camera.json Veil reads beside the frames."""
    return {"fov": args.fov, "width": args.width, "height": args.height, "carla_version": carla_version,
            "depth": "carla-raw"}


def record(args):  # pragma: no cover - needs a CARLA server
    import carla

    client = carla.Client(args.host, args.port)
    client.set_timeout(20.0)
    world = client.load_world(args.town) if args.town else client.get_world()
    version = client.get_server_version()
    streams = [s for s in STREAMS if s != "instance" or world.get_blueprint_library().filter(BLUEPRINTS[s])]
    original = world.get_settings()
    settings = world.get_settings()
    settings.synchronous_mode = True
    settings.fixed_delta_seconds = 0.05
    world.apply_settings(settings)
    random.seed(args.seed)
    actors = []
    try:
        library = world.get_blueprint_library()
        vehicle = world.spawn_actor(random.choice(library.filter("vehicle.*")), random.choice(world.get_map().get_spawn_points()))
        actors.append(vehicle)
        vehicle.set_autopilot(True)
        walker_controller = library.find("controller.ai.walker")
        for _ in range(args.walkers):
            location = world.get_random_location_from_navigation()
            if location is None:
                continue
            walker = world.try_spawn_actor(random.choice(library.filter("walker.pedestrian.*")), carla.Transform(location))
            if walker is None:
                continue
            controller = world.spawn_actor(walker_controller, carla.Transform(), attach_to=walker)
            actors += [walker, controller]
        world.tick()
        for controller in [a for a in actors if a.type_id == "controller.ai.walker"]:
            controller.start()
            controller.go_to_location(world.get_random_location_from_navigation())
        x, y, z = args.mount_xyz
        mount = carla.Transform(carla.Location(x=x, y=y, z=z))
        queues = {}
        for stream in streams:
            blueprint = library.find(BLUEPRINTS[stream])
            blueprint.set_attribute("image_size_x", str(args.width))
            blueprint.set_attribute("image_size_y", str(args.height))
            blueprint.set_attribute("fov", str(args.fov))
            camera = world.spawn_actor(blueprint, mount, attach_to=vehicle)
            actors.append(camera)
            queues[stream] = queue.Queue()
            camera.listen(queues[stream].put)
        for stream in streams:
            os.makedirs(os.path.join(args.output, stream), exist_ok=True)
        with open(os.path.join(args.output, "camera.json"), "w") as f:
            json.dump(camera_json(args, version), f, indent=2)
        for _ in range(args.frames):
            frame = world.tick()
            for stream in streams:
                image = queues[stream].get(timeout=10.0)
                while image.frame < frame:
                    image = queues[stream].get(timeout=10.0)
                image.save_to_disk(frame_path(args.output, stream, image.frame), carla.ColorConverter.Raw)
    finally:
        world.apply_settings(original)
        for actor in reversed(actors):
            if hasattr(actor, "stop"):
                actor.stop()
            actor.destroy()


def main(argv=None):
    args = parse_args(argv)
    try:
        import carla  # noqa: F401
    except ImportError:
        print("record_carla.py: the 'carla' Python module is not installed (pip install carla==<server version>)",
              file=sys.stderr)
        return 1
    record(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
