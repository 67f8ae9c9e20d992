from typing import Literal

StoryboardInputNFrames = Literal["10", "15", "25"]

STORYBOARD_INPUT_N_FRAMES_VALUES: set[StoryboardInputNFrames] = {
    "10",
    "15",
    "25",
}


def check_storyboard_input_n_frames(value: str) -> StoryboardInputNFrames:
    if value in STORYBOARD_INPUT_N_FRAMES_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {STORYBOARD_INPUT_N_FRAMES_VALUES!r}"
    )
