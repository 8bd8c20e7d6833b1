"""Single-tool switching tasks: one converter answers the request."""

from __future__ import annotations

from modalswitch.training.dataset.spec import Task, plan


def single_tasks() -> list[Task]:
    """Every one-step task, keyed by tool (several per tool where phrasings differ)."""
    return [
        Task("describe_image", ("image",), [
            "What's in {image}?", "Describe {image} for me.", "can u tell me what {image} shows",
            "Give me a description of {image}.", "What am I looking at in {image}?",
            "describe {image} in a few sentences", "Explain what's going on in {image}.",
            "I can't see well, what does {image} show?",
        ], lambda v: plan([("describe_image", {"image": "@input0"})], ["@s1.text"]),
            implicit=["I'm curious what {image} is about.", "no idea what {image} is, help?",
                      "walk me through {image}"]),
        Task("caption_image", ("image",), [
            "Write a caption for {image}.", "Caption {image} in one sentence.",
            "I need a short alt text for {image}.", "give {image} a one-line caption",
            "Suggest a caption for {image} for my blog.", "one sentence caption for {image} pls",
        ], lambda v: plan([("caption_image", {"image": "@input0"})], ["@s1.text"])),
        Task("classify_image", ("image",), [
            "What kind of animal is in {image}?", "What object is this? ({image})",
            "Classify {image}.", "Which category does {image} belong to?",
            "what breed or species is in {image}", "Label the main object in {image}.",
            "Is {image} a cat or a dog?", "identify the thing in {image}",
        ], lambda v: plan([("classify_image", {"image": "@input0"})], ["@s1.text"])),
        Task("read_text", ("image",), [
            "What does the text in {image} say?", "Read the words in {image}.",
            "Transcribe the text from {image}.", "OCR {image} please",
            "Can you pull the text out of {image}?", "copy out what is written in {image}",
            "What's written on the sign in {image}?", "extract all text from {image}",
        ], lambda v: plan([("read_text", {"image": "@input0"})], ["@s1.text"]),
            implicit=["I can't make out the writing in {image}.",
                      "type up {image} for me so I can paste it"]),
        Task("answer_image_question", ("image",), [
            "Looking at {image}, {question}", "In {image}, {question}",
            "{question} (see {image})", "Quick question about {image}: {question}",
            "Check {image} and tell me: {question}", "about {image} - {question}",
        ], lambda v: plan([("answer_image_question",
                            {"image": "@input0", "question": v["question"]})], ["@s1.text"])),
        Task("speech_to_text", ("audio",), [
            "Transcribe {audio}.", "What does {audio} say?", "Write down what's said in {audio}.",
            "Can you type out {audio}?", "turn {audio} into text", "transcript of {audio} please",
            "What is the person saying in {audio}?", "give me the words from {audio}",
        ], lambda v: plan([("speech_to_text", {"audio": "@input0"})], ["@s1.text"]),
            implicit=["I missed what was said in {audio}.", "I can't listen right now, "
                      "what's in {audio}?"]),
        Task("transcribe_openai_whisper", ("audio",), [
            "Transcribe {audio} with Whisper.", "Use openai whisper on {audio}.",
            "run whisper on {audio} and give me the transcript",
            "I want a Whisper transcription of {audio}.",
            "Whisper-transcribe {audio} with timestamps.",
        ], lambda v: plan([("transcribe_openai_whisper", {"audio": "@input0"})], ["@s1.text"])),
        Task("whisper_translate", ("audio",), [
            "Translate the speech in {audio} into English.",
            "{audio} is in another language, give me it in English.",
            "What is being said in {audio}? Answer in English, it isn't English.",
            "english translation of {audio} please",
        ], lambda v: plan([("transcribe_openai_whisper",
                            {"audio": "@input0", "task": "translate"})], ["@s1.text"])),
        Task("summarize_video", ("video",), [
            "Summarize {video}.", "What happens in {video}?", "Give me the gist of {video}.",
            "tl;dr of {video}?", "Describe the main events of {video}.",
            "what is {video} about", "Can you sum up {video} for me?",
        ], lambda v: plan([("summarize_video", {"video": "@input0"})], ["@s1.text"]),
            implicit=["I don't have time to watch {video}.",
                      "Is {video} worth watching? what's in it"]),
        Task("extract_keyframes", ("video",), [
            "Pull out the key frames from {video}.", "Give me stills from {video}.",
            "grab a few screenshots from {video}", "Extract the main frames of {video} as images.",
            "I need still images of each scene in {video}.",
        ], lambda v: plan([("extract_keyframes", {"video": "@input0"})], ["@s1.frames"])),
        Task("extract_audio", ("video",), [
            "Extract the audio from {video}.", "Give me just the sound track of {video}.",
            "rip the audio out of {video}", "Save the audio of {video} as a separate file.",
            "I only want the soundtrack of {video}.",
        ], lambda v: plan([("extract_audio", {"video": "@input0"})], ["@s1.audio"])),
        Task("generate_image", (), [
            "Draw {subject}.", "Generate an image of {subject}.", "Make a picture of {subject}.",
            "create art of {subject}", "Can you paint {subject}?",
            "I need an illustration of {subject}.", "render {subject}",
            "Sketch {subject} for me.", "pic of {subject} pls",
        ], lambda v: plan([("generate_image", {"prompt": v["subject"]})], ["@s1.image"]),
            implicit=["I'd love to see {subject}.", "Show me {subject}.",
                      "What would {subject} look like? show me",
                      "imagine {subject} and let me see it"]),
        Task("generate_image_sized", (), [
            "Generate a {width}x{width} image of {subject}.",
            "Draw {subject}, {width} pixels wide and tall.",
            "Make a square {width}px picture of {subject}.",
            "picture of {subject} at {width} by {width}",
        ], lambda v: plan([("generate_image", {"prompt": v["subject"], "width": int(v["width"]),
                                               "height": int(v["width"])})], ["@s1.image"])),
        Task("transform_image", ("image",), [
            "Turn {image} into {style}.", "Redraw {image} as {style}.",
            "Make {image} look like {style}.", "restyle {image} as {style}",
            "Can you convert {image} into {style}?", "{image} but as {style} please",
        ], lambda v: plan([("transform_image", {"image": "@input0", "prompt": v["style"]})],
                          ["@s1.image"])),
        Task("edit_image", ("image",), [
            "In {image}, {edit}.", "Edit {image}: {edit}.", "{edit} in {image}",
            "Could you {edit} in {image}?", "Please {edit} ({image}).",
            "photoshop {image} so you {edit}", "Touch up {image} - {edit}.",
        ], lambda v: plan([("edit_image", {"image": "@input0", "instruction": v["edit"]})],
                          ["@s1.image"])),
        Task("resize_image", ("image",), [
            "Resize {image} to {width} pixels wide.", "Make {image} {width}px wide.",
            "shrink {image} to a width of {width}", "Scale {image} down to {width} px width.",
            "I need {image} at {width} pixels across.",
        ], lambda v: plan([("resize_image", {"image": "@input0", "width": int(v["width"])})],
                          ["@s1.image"])),
        Task("resize_half", ("image",), [
            "Make {image} half the size.", "Scale {image} by 50%.",
            "halve the dimensions of {image}", "shrink {image} to half its size",
        ], lambda v: plan([("resize_image", {"image": "@input0", "scale": 0.5})], ["@s1.image"])),
        Task("crop_image", ("image",), [
            "Crop {image} to {aspect_w}.", "Make {image} {aspect_w}.",
            "crop {image} {aspect_w} for instagram", "Cut {image} down to a {aspect_w} crop.",
            "I need {image} cropped {aspect_w}.",
        ], lambda v: plan([("crop_image", {"image": "@input0", "aspect": v["aspect"]})],
                          ["@s1.image"])),
        Task("convert_image", ("image",), [
            "Convert {image} to {format_w}.", "Save {image} as a {format_w}.",
            "change {image} to {format_w} format", "I need {image} as {format_w}.",
            "Export {image} in {format_w}.",
        ], lambda v: plan([("convert_image", {"image": "@input0", "format": v["format"]})],
                          ["@s1.image"])),
        Task("grayscale_image", ("image",), [
            "Make {image} black and white.", "Convert {image} to greyscale.",
            "turn {image} grayscale", "Remove the colors from {image}.",
            "Give me a black-and-white version of {image}.",
        ], lambda v: plan([("convert_image", {"image": "@input0", "grayscale": True})],
                          ["@s1.image"])),
        Task("image_grid", ("images",), [
            "Put {images} in a grid.", "Make a collage of {images}.",
            "Combine {images} into one picture.", "contact sheet of {images} please",
            "Arrange {images} side by side in one image.", "merge {images} into a single grid",
        ], lambda v: plan([("image_grid", {"images": v["img_refs"]})], ["@s1.image"]),
            tags=("multi_input",)),
        Task("text_to_speech", (), [
            "Say \"{speech}\" out loud.", "Read this aloud: {speech}",
            "Convert to speech: {speech}", "text to speech: {speech}",
            "Make an audio file that says \"{speech}\".", "Speak the words: {speech}",
            "record yourself saying \"{speech}\"",
        ], lambda v: plan([("text_to_speech", {"text": v["speech"]})], ["@s1.audio"]),
            implicit=["Let me hear \"{speech}\".", "how would \"{speech}\" sound spoken?",
                      "I want to hear someone say: {speech}"]),
        Task("bark_speech", (), [
            "Say \"{speech}\" in {voice}.", "Read \"{speech}\" aloud in {voice} with Bark.",
            "Use an expressive voice to say: {speech}", "Sing \"{speech}\".",
            "Say \"{speech}\" and laugh at the end.",
        ], lambda v: plan([("bark_speech", {"text": v["speech"]})], ["@s1.audio"])),
        Task("generate_sound", (), [
            "Make the sound of {sound}.", "Generate a sound effect of {sound}.",
            "create audio of {sound}", "I need a {seconds}-second clip of {sound}.",
            "Can you produce ambience of {sound}?", "sfx: {sound}",
        ], lambda v: plan([("generate_sound", {"prompt": v["sound"]} | (
            {"duration_s": float(v["seconds"])} if "{seconds}" in v["_template"] else {}))],
            ["@s1.audio"]),
            implicit=["Let me hear {sound}.", "What does {sound} sound like? play it"]),
        Task("generate_music", (), [
            "Compose {music}.", "Make some music: {music}.", "Generate {music}.",
            "write and play {music}", "I need background music, {music}.",
            "Create a {seconds} second track: {music}.",
        ], lambda v: plan([("generate_sound", {"prompt": v["music"]} | (
            {"duration_s": float(v["seconds"])} if "{seconds}" in v["_template"] else {}))],
            ["@s1.audio"]),
            implicit=["I'd like to hear {music}.", "play me {music}"]),
        Task("generate_video", (), [
            "Make a video of {motion}.", "Generate a short clip of {motion}.",
            "Animate {motion}.", "create a video showing {motion}",
            "I want a few seconds of footage of {motion}.", "text to video: {motion}",
        ], lambda v: plan([("generate_video", {"prompt": v["motion"]})], ["@s1.video"]),
            implicit=["I'd love to watch {motion}.", "show me {motion} moving"]),
        Task("make_slideshow", ("images",), [
            "Make a slideshow video from {images}.", "Turn {images} into a video.",
            "Create an mp4 slideshow of {images}.", "stitch {images} into a movie",
            "Make a video that shows {images} one after another.",
        ], lambda v: plan([("make_slideshow", {"images": v["img_refs"]})], ["@s1.video"]),
            tags=("multi_input",)),
    ]
