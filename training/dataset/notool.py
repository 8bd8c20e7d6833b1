"""Requests that need no tool, and follow-up turns that act on the previous result.

Many no-tool requests mention pictures, sound or video but only want words ("describe in
words", "compose a poem", "how do I take sharper photos"): they are what teaches a planner
not to reach for a converter whenever a media word appears.
"""

from __future__ import annotations

from modalswitch.training.dataset.spec import Task, no_tool, plan

NOTOOL_POOLS: dict[str, list[str]] = {
    "concept": ["JPEG compression", "audio sample rates", "the difference between MP3 and WAV",
                "text-to-speech", "OCR", "diffusion models", "the rule of thirds",
                "video codecs", "photosynthesis", "compound interest", "recursion",
                "spectrograms", "noise-cancelling headphones", "HDR photography",
                "frame rates", "the Doppler effect", "colour theory", "white balance",
                "machine translation", "speech recognition", "black holes", "inflation",
                "the water cycle", "public key cryptography", "vinyl records"],
    "form": ["poem", "haiku", "limerick", "short story", "song lyric", "birthday toast",
             "tweet", "product description", "bedtime story", "riddle"],
    "topic": ["the sound of rain", "an old photograph", "a sunset over the sea",
              "a painting in a museum", "my cat", "a lost sock", "Monday mornings",
              "a jazz concert", "a movie night", "a thunderstorm", "the first snow",
              "a noisy city street", "a silent film star", "a rainbow", "a broken camera"],
    "how": ["how do I take sharper photos with my phone",
            "what microphone should I buy for podcasting", "how can I edit videos faster",
            "how can I make my voice sound better on calls", "how do I choose colours for a logo",
            "how do I learn to draw faces", "how long should a YouTube intro be",
            "how do I sleep better", "how do I write a cover letter",
            "how do I stop procrastinating", "what's a good way to photograph the night sky",
            "how do I soundproof a small room", "which camera settings work for portraits",
            "how do I back up my photo library", "what's the best way to learn Spanish",
            "how do I make a podcast intro that doesn't sound cheesy"],
    "fact": ["how many legs does a spider have", "who painted the Mona Lisa",
             "what is the capital of Australia", "how far away is the moon",
             "when was the first photograph taken", "who invented the phonograph",
             "what is the speed of sound", "why is the sky blue",
             "what frequency range can humans hear", "how many frames per second do films use",
             "who composed the Four Seasons", "what year did YouTube launch",
             "how does a microwave heat food", "what's the tallest mountain in Europe"],
    "task": ["What is 17 times 23?", "Write a Python function that reverses a string.",
             "Convert 5 miles to kilometres.", "Fix the grammar: me and him goes to the shop.",
             "Give me three name ideas for a photography studio.",
             "Suggest a title for a song about leaving home.",
             "What's a good caption for a beach photo? Just give me ideas.",
             "Make a packing list for a weekend camping trip.",
             "Write a regex that matches email addresses.",
             "Plan a three-day trip to Lisbon.", "Summarize the plot of Hamlet in two lines.",
             "List five famous film soundtracks.", "Draft an email asking for a day off.",
             "Which is better for photos on the web, PNG or JPEG?",
             "What should I name my cat? She is grey and fluffy.",
             "Recommend some relaxing music genres for studying."],
    "chat": ["hi!", "thanks, that was really helpful", "who are you?", "what can you do?",
             "good morning", "tell me a joke", "I'm bored", "you're great",
             "ok cool", "what's your favourite colour?", "how are you today?",
             "can you help me with something?"],
    "text": ["Thank you very much", "Where is the train station", "I would like a coffee",
             "Good night and sweet dreams", "The meeting is cancelled",
             "See you tomorrow", "How much does this cost"],
    "words_subject": ["a red fox in the snow", "a lighthouse at night", "the northern lights",
                      "a coral reef", "an old steam train", "a rainforest at dawn"],
    "words_sound": ["a theremin", "a didgeridoo", "a cello", "a humpback whale song",
                    "a dial-up modem", "a steel drum"],
}


def notool_tasks() -> list[Task]:
    """No-tool requests: explanations, writing, advice, facts, chit-chat, word-only media talk."""
    empty = lambda v: no_tool()  # noqa: E731 - every no-tool task builds the same plan
    return [
        Task("explain", (), [
            "Explain {concept} in simple terms.", "How does {concept} work?",
            "Give me a quick overview of {concept}.", "ELI5 {concept}",
            "I never understood {concept}. Help?", "write a short paragraph about {concept}",
            "Teach me the basics of {concept}.", "what should a beginner know about {concept}?",
            "Can you break down {concept} for me?",
        ], empty, tags=("no_tool",), weight=2.0),
        Task("write", (), [
            "Write a {form} about {topic}.", "could you write me a {form} about {topic}",
            "{form} about {topic}, please", "I need a {form} on {topic} for a card.",
            "Compose a {form} about {topic}.", "Give me a {form} inspired by {topic}.",
            "make up a {form} about {topic}", "Jot down a quick {form} about {topic}.",
        ], empty, tags=("no_tool",), weight=2.0),
        Task("words_only_media", (), [
            "Describe in words what {words_subject} looks like.",
            "Paint a picture with words of {topic}.",
            "In a few sentences, tell me what {words_sound} sounds like.",
            "No image needed, just describe {words_subject} to me.",
            "Without making any audio, explain how {words_sound} sounds.",
            "What colours would you expect in {words_subject}? Just tell me.",
            "Write a vivid description of {words_subject} for my novel.",
        ], empty, tags=("no_tool", "media_words"), weight=1.5),
        Task("advice", (), [
            "{how}?", "quick question: {how}?", "hey, {how}?", "I was wondering {how}.",
            "do you know {how}?", "Any tips? {how}", "{how}? asking for a friend",
        ], empty, tags=("no_tool",), weight=2.0),
        Task("fact", (), [
            "{fact}?", "Quick q: {fact}?", "Do you happen to know {fact}?", "tell me {fact}",
            "I forgot, {fact}?", "{fact}? one line answer please",
        ], empty, tags=("no_tool",), weight=1.5),
        Task("task", (), ["{task}", "{task} Thanks.", "Hi, {task}", "{task} Keep it short."],
             empty, tags=("no_tool",), weight=1.5),
        Task("chat", (), ["{chat}", "{chat} :)", "Hey! {chat}"], empty, tags=("no_tool",),
             weight=0.7),
        Task("translate_words", (), [
            "Translate '{text}' into {lang}.", "How do you say \"{text}\" in {lang}?",
            "What's \"{text}\" in {lang}? Just write it.", "{text} -> {lang}",
        ], empty, tags=("no_tool", "media_words"), weight=0.8),
    ]


def followup_tasks() -> list[Task]:
    """Second turns that act on the previous result, attached as the input."""
    tags = ("followup",)
    return [
        Task("followup>edit_image", ("followup_image",), [
            "now {edit}", "ok, {edit} please", "Nice! Can you {edit}?", "hmm, {edit} instead",
            "one more change: {edit}", "great, now {edit}", "Almost. {edit}.",
        ], lambda v: plan([("edit_image", {"image": "@input0", "instruction": v["edit"]})],
                          ["@s1.image"]), tags=tags),
        Task("followup>resize", ("followup_image",), [
            "now make it {width} px wide", "smaller please, {width} wide",
            "can you shrink that to {width}px?", "Resize that one to {width} pixels.",
        ], lambda v: plan([("resize_image", {"image": "@input0", "width": int(v["width"])})],
                          ["@s1.image"]), tags=tags),
        Task("followup>convert", ("followup_image",), [
            "same but as a {format_w}", "can I get that in {format_w}?",
            "Now save it as {format_w}.", "convert it to {format_w} pls",
        ], lambda v: plan([("convert_image", {"image": "@input0", "format": v["format"]})],
                          ["@s1.image"]), tags=tags),
        Task("followup>crop", ("followup_image",), [
            "now crop it {aspect_w}", "make that {aspect_w} please", "Crop it to {aspect_w}.",
            "can you do a {aspect_w} crop of it?",
        ], lambda v: plan([("crop_image", {"image": "@input0", "aspect": v["aspect"]})],
                          ["@s1.image"]), tags=tags),
        Task("followup>transform", ("followup_image",), [
            "now make it look like {style}", "Cool. Try it as {style}.",
            "redo that as {style}", "What about {style}?",
        ], lambda v: plan([("transform_image", {"image": "@input0", "prompt": v["style"]})],
                          ["@s1.image"]), tags=tags),
        Task("followup>stt", ("followup_audio",), [
            "now write down what it said", "ok, and in text?", "Transcribe that for me.",
            "can I get that as text too?",
        ], lambda v: plan([("speech_to_text", {"audio": "@input0"})], ["@s1.text"]), tags=tags),
        Task("followup>describe", ("followup_image",), [
            "what's in it now?", "Describe the new version.", "and what does it show?",
            "Tell me what that picture looks like now.",
        ], lambda v: plan([("describe_image", {"image": "@input0"})], ["@s1.text"]), tags=tags,
            weight=0.5),
    ]
