"""Surveys, polls, quizzes and the exhibition vote."""
