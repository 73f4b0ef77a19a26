"""The app's services over the API and the store (no Textual): what the
screens and the command line call."""
